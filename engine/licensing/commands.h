// Every licensing aggregate and its commands (plain structs next to each
// aggregate, run through ToCommand, engine/commands.h), for the API, the
// tools and the tests.
#pragma once

#include "engine/commands.h"
#include "engine/licensing/licence_pool.h"
#include "engine/licensing/team.h"
