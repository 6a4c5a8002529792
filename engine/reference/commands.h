// Reference data, users, API tokens and the admin directory, with their
// commands (plain structs next to each aggregate, run through ToCommand,
// engine/commands.h).
#pragma once

#include "engine/commands.h"
#include "engine/reference/admin_directory.h"
#include "engine/reference/api_token.h"
#include "engine/reference/reference_entity.h"
