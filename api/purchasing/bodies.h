// Request bodies parsed into the domain's inputs: what each command route
// reads from its JSON, in one place, so that it can be tested and fuzzed
// without a server (fuzz/body_fuzz.cc).
//
// Contract: each function reads an already parsed `Body` (http.h) and either
// returns the input or throws ApiError (400 `malformed`, naming the field);
// no other exception leaves it. None touches the engine, the log or the
// attachment store; fields are read in the order the routes always read
// them, so the first fault named stays the same.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "api/http.h"
#include "engine/purchasing/purchase_order.h"
#include "engine/purchasing/purchase_request.h"
#include "engine/purchasing/receipt.h"
#include "engine/purchasing/supplier_invoice.h"

namespace ledger::api {

// Purchase orders. A new line needs its product, quantity, price and cost
// centre; a changed line names only what changes.
domain::PoHeaderInput ParsePoHeader(const Body& b);
domain::PoLineInput ParsePoLine(const Body& b);
domain::PoLineInput ParseNewPoLine(const Body& b);
domain::PoNotesInput ParsePoNotes(const Body& b);

struct NewPurchaseOrder {
  domain::PoHeaderInput header;
  domain::PoNotesInput notes;
  std::vector<domain::PoLineInput> lines;
};
// POST /v1/purchase-orders: a header with its supplier, lines, notes.
NewPurchaseOrder ParseNewPurchaseOrder(const Body& b);

// Purchase requests. Attachments come back with size 0: the route reads
// their sizes from the store, which must already hold them.
domain::PrInput ParsePrInput(const Body& b);

struct PrConversion {
  std::map<uint32_t, std::string> supplier_by_line;  // request line -> supplier
  std::string supplier;                               // for the lines not named
};
// POST /v1/purchase-requests/{id}/convert, whose body is optional: `text`
// is the raw body, empty for none.
PrConversion ParsePrConversion(const std::string& text);

// Receipts and supplier invoices.
domain::ReceiptInput ParseReceipt(const Body& b);
domain::SiInput ParseSupplierInvoice(const Body& b);
domain::CreditNoteInput ParseCreditNote(const Body& b);
domain::PaymentInput ParsePayment(const Body& b);

}  // namespace ledger::api
