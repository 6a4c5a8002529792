// Request bodies of purchasing (see api/purchasing/bodies.h).
#include "api/purchasing/bodies.h"

#include <memory>

namespace ledger::api {

using namespace domain;  // NOLINT: parsers read as the domain does

// Purchase orders.

PoLineInput ParsePoLine(const Body& b) {
  PoLineInput l;
  l.product = b.opt_str("product");
  l.description = b.opt_str("description");
  l.quantity = b.opt_dec("quantity");
  l.unit_price = b.opt_dec("unit_price");
  l.discount = b.opt_dec("discount");
  l.cost_center = b.opt_str("cost_center");
  l.project = b.opt_str("project");
  l.expected_date = b.opt_str("expected_date");
  l.warehouse = b.opt_str("warehouse");
  return l;
}

PoLineInput ParseNewPoLine(const Body& b) {
  (void)b.str("product");
  (void)b.dec("quantity");
  (void)b.dec("unit_price");
  (void)b.str("cost_center");
  return ParsePoLine(b);
}

PoHeaderInput ParsePoHeader(const Body& b) {
  PoHeaderInput h;
  h.supplier = b.opt_str("supplier");
  h.currency = b.opt_str("currency");
  h.payment_terms = b.opt_str("payment_terms");
  h.billing_method = b.opt_str("billing_method");
  h.incoterm = b.opt_str("incoterm");
  h.expected_date = b.opt_str("expected_date");
  h.purchase_request = b.opt_str("purchase_request");
  return h;
}

PoNotesInput ParsePoNotes(const Body& b) {
  PoNotesInput n;
  n.supplier = b.opt_str("supplier");
  n.receipt = b.opt_str("receipt");
  n.billing = b.opt_str("billing");
  n.internal = b.opt_str("internal");
  return n;
}

NewPurchaseOrder ParseNewPurchaseOrder(const Body& b) {
  NewPurchaseOrder po;
  po.header = ParsePoHeader(b);
  if (!po.header.supplier) FailMalformed("missing field \"supplier\"");
  for (const auto& l : b.objects("lines")) po.lines.push_back(ParseNewPoLine(l));
  if (b.has("notes")) po.notes = ParsePoNotes(Body(b.json().at("notes"), "notes."));
  return po;
}

// Purchase requests.

PrInput ParsePrInput(const Body& b) {
  PrInput in;
  in.justification = b.opt_str("justification").value_or("");
  for (const auto& l : b.objects("lines")) {
    PrLineInput li;
    li.product = l.opt_str("product").value_or("");
    li.description = l.opt_str("description").value_or("");
    li.quantity = l.dec("quantity");
    li.estimated_unit_price = l.dec("estimated_unit_price");
    li.currency = l.opt_str("currency").value_or("");
    li.cost_center = l.str("cost_center");
    li.category = l.opt_str("category").value_or("");
    li.project = l.opt_str("project").value_or("");
    li.needed_by = l.opt_str("needed_by").value_or("");
    in.lines.push_back(std::move(li));
  }
  for (const auto& a : b.objects("attachments")) {
    PrAttachment t;
    t.sha256 = a.str("sha256");
    t.name = a.opt_str("name").value_or("");
    t.media_type = a.opt_str("media_type").value_or("application/octet-stream");
    in.attachments.push_back(std::move(t));
  }
  return in;
}

PrConversion ParsePrConversion(const std::string& text) {
  PrConversion c;
  if (text.empty()) return c;
  Body b = Body::Parse(text);
  c.supplier = b.opt_str("supplier").value_or("");
  if (b.has("supplier_by_line")) {
    const Json& m = b.json().at("supplier_by_line");
    if (!m.is_object()) FailMalformed("\"supplier_by_line\" must be an object {\"1\": \"SUPPLIER\"}");
    for (const auto& [line, supplier] : m.items()) {
      if (line.empty() || line.size() > 9 ||
          line.find_first_not_of("0123456789") != std::string::npos) {
        FailMalformed("supplier_by_line keys are request line numbers");
      }
      if (!supplier.is_string()) FailMalformed("supplier_by_line values are supplier ids");
      c.supplier_by_line[static_cast<uint32_t>(std::stoul(line))] = supplier.get<std::string>();
    }
  }
  return c;
}

// Receipts and supplier invoices.

ReceiptInput ParseReceipt(const Body& b) {
  ReceiptInput in;
  in.purchase_order = b.str("purchase_order");
  in.date = b.str("date");
  in.warehouse = b.opt_str("warehouse");
  for (const auto& l : b.objects("lines")) {
    int64_t n = l.integer("line", 0);
    if (n <= 0 || n > 1'000'000) FailMalformed("\"line\" is an order line number");
    in.lines.push_back({static_cast<uint32_t>(n), l.dec("quantity"),
                        l.opt_str("period_from").value_or(""), l.opt_str("period_to").value_or(""),
                        l.opt_str("proof").value_or(""), l.opt_str("acceptance").value_or("")});
  }
  return in;
}

SiInput ParseSupplierInvoice(const Body& b) {
  SiInput in;
  in.supplier = b.str("supplier");
  in.supplier_ref = b.str("supplier_ref");
  in.date = b.str("date");
  in.currency = b.opt_str("currency");
  in.purchase_order = b.opt_str("purchase_order").value_or("");
  for (const auto& l : b.objects("lines")) {
    SiLineInput li;
    int64_t n = l.integer("po_line", 0);
    if (n < 0 || n > 1'000'000) FailMalformed("\"po_line\" is an order line number");
    li.po_line = static_cast<uint32_t>(n);
    li.description = l.opt_str("description").value_or("");
    li.quantity = l.dec("quantity");
    li.unit_price = l.dec("unit_price");
    li.tax_code = l.opt_str("tax_code");
    in.lines.push_back(std::move(li));
  }
  if (b.has("totals")) {
    Body t = b.object("totals");
    in.stated_untaxed = t.opt_dec("untaxed");
    in.stated_tax = t.opt_dec("tax");
    in.stated_total = t.opt_dec("total");
  }
  return in;
}

CreditNoteInput ParseCreditNote(const Body& b) {
  CreditNoteInput in;
  in.supplier_ref = b.str("supplier_ref");
  in.date = b.opt_str("date").value_or("");
  in.amount = b.opt_dec("amount");
  for (const auto& l : b.objects("lines")) {
    int64_t n = l.integer("line", 0);
    if (n <= 0 || n > 1'000'000) FailMalformed("\"line\" is an invoice line number");
    in.lines.push_back({static_cast<uint32_t>(n), l.opt_dec("quantity"), l.opt_dec("amount")});
  }
  return in;
}

PaymentInput ParsePayment(const Body& b) {
  // Braced initialisers are evaluated in order: amount is checked first.
  return PaymentInput{b.dec("amount"), b.str("method"), b.str("reference"),
                      b.opt_str("date").value_or("")};
}

}  // namespace ledger::api
