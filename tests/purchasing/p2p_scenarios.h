// The fixture of the scenario tests of purchase-to-pay (SPEC §4.2–§4.6), one
// file per subject in tests/purchasing/: the reference data of
// NodeTest::SeedReference, the people of the process by role, and builders of
// the commands of budgets, requests, orders, receipts, supplier invoices and
// payments. Given commands, when a command, then these events or this
// rejection, and nothing appended.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tests/test_support.h"
#include "events/budgets_events.h"
#include "events/purchasing_events.h"
#include "events/reference_events.h"

namespace ledger::testing {

inline const Actor kRequester{"rita", {"requester"}};
inline const Actor kManager{"mona", {"approver_manager"}};
inline const Actor kManager2{"max", {"approver_manager"}};
inline const Actor kFinance{"fred", {"approver_finance"}};
inline const Actor kDirector{"dora", {"approver_direction"}};
inline const Actor kReceiver{"rob", {"receiver"}};
inline const Actor kAccountant{"anna", {"accountant"}};
inline const Actor kAccountant2{"abel", {"accountant", "approver_finance"}};

class P2pScenarios : public NodeTest {
 protected:
  void SetUp() override {
    NodeTest::SetUp();
    SeedReference();
  }

  // Budget `id` with one line IT × hardware (× project) and one month.
  static domain::DefineBudget NewBudget(const std::string& id, const char* policy,
                                        const char* amount, const char* period = "2026-03",
                                        const char* cost_center = "IT",
                                        const char* currency = "EUR") {
    domain::BudgetLineInput l{{cost_center, "hardware", ""}, {{period, D(amount)}}};
    return {id, "Budget " + id, currency, policy, {l}};
  }
  const domain::BudgetCell& Cell(const std::string& budget, const char* cc = "IT",
                                 const char* period = "2026-03") {
    const auto& b = State<domain::Budget>("budget", budget);
    auto it = b.cells.find(domain::CellKey({cc, "hardware", ""}, period));
    LEDGER_ASSERT(it != b.cells.end());
    return it->second;
  }

  void Policy(const char* qty, const char* price, const char* amount, const char* over) {
    events::MatchingPolicyDefinedT m;
    m.quantity_pct = qty;
    m.price_pct = price;
    m.amount_abs = amount;
    m.over_receipt_pct = over;
    Ok(domain::DefineReference{"company", Def(m), Expect::kAny}, kAdmin);
  }

  static domain::PrLineInput PrLine(const char* product, const char* qty, const char* price,
                                    const char* currency = "EUR") {
    domain::PrLineInput l;
    l.product = product;
    l.quantity = D(qty);
    l.estimated_unit_price = D(price);
    l.currency = currency;
    l.cost_center = "IT";
    return l;
  }
  static domain::CreatePr NewPr(std::vector<domain::PrLineInput> lines) {
    return {{"Laptops for the new hires", std::move(lines), {}}};
  }
  static domain::SubmitPr Submit(const std::string& id) { return {id}; }
  static domain::ApprovePr Approve(const std::string& id) { return {id, "ok"}; }
  // A submitted request of `qty` laptops at `price`, by the requester.
  std::string SubmittedPr(const char* qty, const char* price) {
    std::string id = Ok(NewPr({PrLine("LAPTOP", qty, price)}), kRequester).stream_id;
    Ok(Submit(id), kRequester);
    return id;
  }

  static domain::ConfirmPo Confirm(const std::string& id) { return {id}; }
  std::string ConfirmedPo(std::vector<domain::PoLineInput> lines, const char* supplier = "ACME",
                          const char* billing = nullptr) {
    domain::PoHeaderInput h;
    h.supplier = supplier;
    if (billing) h.billing_method = billing;
    std::string id = Ok(domain::CreatePurchaseOrder{h, {}, std::move(lines)}).stream_id;
    Ok(Confirm(id));
    return id;
  }

  static domain::RecordReceipt Receive(const std::string& po,
                                       std::vector<domain::ReceiptInput::Line> lines,
                                       const char* date = "2026-03-16",
                                       std::optional<std::string> warehouse = {}) {
    return {{po, date, std::move(warehouse), std::move(lines)}};
  }
  static domain::ReceiptInput::Line Got(uint32_t line, const char* qty) {
    return {line, D(qty), "", "", "", ""};
  }

  static domain::CaptureInvoice Capture(domain::SiInput in) { return {std::move(in)}; }
  static domain::SiInput Invoice(const std::string& po, const char* ref,
                                 std::vector<domain::SiLineInput> lines,
                                 const char* supplier = "ACME") {
    domain::SiInput in;
    in.supplier = supplier;
    in.supplier_ref = ref;
    in.date = "2026-03-20";
    in.purchase_order = po;
    in.lines = std::move(lines);
    return in;
  }
  static domain::SiLineInput Billed(uint32_t po_line, const char* qty, const char* price) {
    domain::SiLineInput l;
    l.po_line = po_line;
    l.quantity = D(qty);
    l.unit_price = D(price);
    return l;
  }
  const domain::SupplierInvoice& Si(const std::string& id) {
    return State<domain::SupplierInvoice>("supplier_invoice", id);
  }
  static domain::PayInvoice Pay(const std::string& id, const char* amount,
                                const char* method = "bank_transfer") {
    return {id, {D(amount), method, "TRF-1", "2026-04-19"}};
  }
};

}  // namespace ledger::testing
