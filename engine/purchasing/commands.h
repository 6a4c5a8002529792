// Every purchasing aggregate and its commands (plain structs next to each
// aggregate, run through ToCommand, engine/commands.h), for the API, the
// tools and the tests.
#pragma once

#include "engine/commands.h"
#include "engine/purchasing/attachment_filings.h"
#include "engine/purchasing/matching_rules.h"
#include "engine/purchasing/purchase_order.h"
#include "engine/purchasing/purchase_request.h"
#include "engine/purchasing/receipt.h"
#include "engine/purchasing/supplier_document.h"
#include "engine/purchasing/supplier_invoice.h"
