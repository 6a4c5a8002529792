// Scenario tests of supplier invoices (SPEC §4.6) past their match: the
// supplier's document number captured once however it is typed, credit
// notes, differences accepted by another person, payments in instalments,
// cancellation, and captures refused. Given commands, when a command, then
// these events or this rejection.
#include "tests/purchasing/p2p_scenarios.h"

namespace ledger::testing {
namespace {

using namespace domain;  // NOLINT: the scenarios read as the domain does
using Types = std::vector<std::string>;

TEST_F(P2pScenarios, ASupplierDocumentNumberIsCapturedOnce) {
  std::string po = ConfirmedPo({Line("LAPTOP", "2", "1000")});
  Ok(Receive(po, {Got(1, "2")}), kReceiver);
  std::string si = Ok(Capture(Invoice(po, "F-30", {Billed(1, "1", "1000")})), kAccountant).stream_id;
  When(Capture(Invoice(po, "F-30", {Billed(1, "1", "1000")})), kAccountant);
  ExpectRejected(Errc::kDuplicate, "duplicate");
  // Another supplier may use the same number.
  std::string po2 = ConfirmedPo({Line("LAPTOP", "1", "1000")}, "EUROPA");
  Ok(Receive(po2, {Got(1, "1")}), kReceiver);
  When(Capture(Invoice(po2, "F-30", {Billed(1, "1", "1000")}, "EUROPA")), kAccountant);
  EXPECT_TRUE(last_.status.ok()) << last_.status.ToString();
  When(Capture(Invoice(po2, "F-31", {Billed(1, "1", "1000")}, "ACME")), kAccountant);
  ExpectRejected(Errc::kRuleViolation, "supplier_mismatch");
  // A cancelled capture frees its number for the corrected one.
  Ok(CancelInvoice{si, "wrong"}, kAccountant);
  When(Capture(Invoice(po, "F-30", {Billed(1, "1", "1000")})), kAccountant);
  EXPECT_TRUE(last_.status.ok()) << last_.status.ToString();
}

// Issue 9: the same document typed another way is still the same document.
TEST_F(P2pScenarios, ASupplierDocumentNumberIsTheSameHoweverItIsTyped) {
  std::string po = ConfirmedPo({Line("LAPTOP", "5", "1000")});
  Ok(Receive(po, {Got(1, "5")}), kReceiver);
  std::string si =
      Ok(Capture(Invoice(po, "ACME-F-1001", {Billed(1, "1", "1000")})), kAccountant).stream_id;
  const std::vector<std::string> same = {
      "ACME-F-1001 ",
      " ACME-F-1001",
      "acme-f-1001",
      "ACME-F\u200B-1001",                 // a zero-width space
      "ACME\u2010F\u20101001",             // U+2010 hyphens
      "ACME\u2013F\u22121001",             // an en dash and a minus sign
      "\uFF21\uFF23\uFF2D\uFF25-F-1001",  // full-width letters
      "ACME-F-1001\u00AD",                 // a soft hyphen
  };
  for (const auto& ref : same) {
    When(Capture(Invoice(po, ref.c_str(), {Billed(1, "1", "1000")})), kAccountant);
    ExpectRejected(Errc::kDuplicate, "duplicate");
    // The error names the reference as typed.
    EXPECT_NE(std::find(last_.status.details().begin(), last_.status.details().end(),
                        std::pair<std::string, std::string>{"supplier_ref", ref}),
              last_.status.details().end());
  }
  // A credit note cannot take the number either.
  When(RecordCreditNote{si, {"acme-f-1001", "2026-03-25", {}, D("10")}}, kAccountant);
  ExpectRejected(Errc::kDuplicate, "duplicate");
  // Different numbers stay different; the invoice keeps the number as typed.
  std::string other =
      Ok(Capture(Invoice(po, "ACME-F-10011", {Billed(1, "1", "1000")})), kAccountant).stream_id;
  EXPECT_EQ(Si(other).supplier_ref, "ACME-F-10011");
  When(Capture(Invoice(po, "\u200B", {Billed(1, "1", "1000")})), kAccountant);
  ExpectRejected(Errc::kMalformed);
  // Cancelling frees the number, however it is typed next.
  Ok(CancelInvoice{si, "wrong"}, kAccountant);
  When(Capture(Invoice(po, "acme\u2010f\u20101001", {Billed(1, "1", "1000")})), kAccountant);
  EXPECT_TRUE(last_.status.ok()) << last_.status.ToString();
}

// Claims made before references were normalised sit under the number as
// typed: they still refuse the same number typed the same way, and their
// release frees them.
TEST_F(P2pScenarios, AClaimMadeBeforeNormalisationStillCounts) {
  std::string po = ConfirmedPo({Line("LAPTOP", "5", "1000")});
  Ok(Receive(po, {Got(1, "5")}), kReceiver);
  std::string si = Ok(Capture(Invoice(po, "OLD-1", {Billed(1, "1", "1000")})), kAccountant).stream_id;
  // Move the claim where an older ledgerd put it: released under its key,
  // claimed again under the number as typed.
  auto claim = [&](const std::string& stream, const char* kind) {
    return RawCommand(
        "supplier_document", stream, Expect::kExisting,
        [si, kind](DecideContext&) -> Decision {
          events::SupplierDocumentClaimedT c;
          c.document = si;
          c.kind = kind;
          return One(Emit(std::move(c)));
        });
  };
  Ok(claim("ACME/old-1", "released"), kAdmin);
  Ok(RawCommand("supplier_document", "ACME/OLD-1", Expect::kNew,
                         [si](DecideContext&) -> Decision {
                           events::SupplierDocumentClaimedT c;
                           c.document = si;
                           c.kind = "invoice";
                           return One(Emit(std::move(c)));
                         }),
     kAdmin);
  // Found when typed as it was then (an older claim is not indexed by its
  // key: typed another way, it is not seen).
  When(Capture(Invoice(po, "OLD-1", {Billed(1, "1", "1000")})), kAccountant);
  ExpectRejected(Errc::kDuplicate, "duplicate");
  Ok(CancelInvoice{si, "wrong"}, kAccountant);
  EXPECT_EQ(State<SupplierDocument>("supplier_document", "ACME/OLD-1").kind, "released");
  When(Capture(Invoice(po, "old-1", {Billed(1, "1", "1000")})), kAccountant);
  EXPECT_TRUE(last_.status.ok()) << last_.status.ToString();
}

TEST_F(P2pScenarios, ACreditNoteResolvesAPriceDisputeAndReleasesActual) {
  Ok(NewBudget("B", "block", "5000"), kFinance);
  std::string po = ConfirmedPo({Line("LAPTOP", "2", "1000")});
  Ok(Receive(po, {Got(1, "2")}), kReceiver);
  std::string si = Ok(Capture(Invoice(po, "F-40", {Billed(1, "2", "1100")})), kAccountant).stream_id;
  EXPECT_EQ(Si(si).status, "disputed");
  EXPECT_EQ(Cell("B").actual, D("2200"));
  auto credit = [&](CreditNoteInput in) {
    return RecordCreditNote{si, in};
  };
  When(credit({"AV-1", "2026-03-25", {}, D("2200.01")}), kAccountant);
  ExpectRejected(Errc::kRuleViolation, "credit_exceeds_invoice");
  When(credit({"F-40", "2026-03-25", {}, D("100")}), kAccountant);
  ExpectRejected(Errc::kDuplicate, "duplicate");
  When(credit({"AV-1", "2026-03-25", {}, D("200")}), kAccountant);
  EXPECT_EQ(appended_types(), (Types{"SupplierCreditNoteRecorded", "SupplierDocumentClaimed",
                                     "BudgetActualReleased", "SupplierInvoiceMatched"}));
  EXPECT_EQ(Si(si).status, "matched");
  EXPECT_EQ(Si(si).credited_total, D("240"));
  EXPECT_EQ(Remaining(Si(si)), D("2400"));
  EXPECT_EQ(Cell("B").actual, D("2000"));
}

TEST_F(P2pScenarios, AcceptingADifferenceNeedsAnotherPersonWithAnApproverRole) {
  std::string po = ConfirmedPo({Line("LAPTOP", "1", "1000")});
  Ok(Receive(po, {Got(1, "1")}), kReceiver);
  std::string si = Ok(Capture(Invoice(po, "F-50", {Billed(1, "1", "1010")})), kAccountant2).stream_id;
  auto accept = [&](const char* reason) {
    return AcceptDifference{si, reason};
  };
  When(ApproveInvoice{si}, kFinance);
  ExpectRejected(Errc::kRuleViolation, "invoice_disputed");
  When(accept("freight surcharge agreed by phone"), kAccountant2);
  ExpectRejected(Errc::kRuleViolation, "segregation_of_duties");
  When(accept("freight surcharge agreed by phone"), kAccountant);
  ExpectRejected(Errc::kForbidden);
  When(accept(""), kFinance);
  ExpectRejected(Errc::kMalformed);
  When(accept("freight surcharge agreed by phone"), kFinance);
  EXPECT_EQ(appended_types(), (Types{"SupplierInvoiceDifferenceAccepted"}));
  EXPECT_EQ(Si(si).status, "matched");
  EXPECT_EQ(Si(si).accepted_by, "fred");
  When(ApproveInvoice{si}, kAccountant2);
  ExpectRejected(Errc::kRuleViolation, "segregation_of_duties");
  When(ApproveInvoice{si}, kFinance);
  EXPECT_EQ(last_.state_label, "approved");
}

TEST_F(P2pScenarios, PaymentsInInstalmentsUntilPaidAndNeverMore) {
  std::string po = ConfirmedPo({Line("LAPTOP", "1", "1000")});
  Ok(Receive(po, {Got(1, "1")}), kReceiver);
  std::string si = Ok(Capture(Invoice(po, "F-60", {Billed(1, "1", "1000")})), kAccountant).stream_id;
  When(Pay(si, "100"), kAccountant);
  ExpectRejected(Errc::kInvalidState);  // not approved yet
  Ok(ApproveInvoice{si}, kFinance);
  When(Pay(si, "700", "cheque"), kAccountant);
  ExpectRejected(Errc::kMalformed);
  When(Pay(si, "700.001"), kAccountant);
  ExpectRejected(Errc::kMalformed);
  When(Pay(si, "700", "mobile_money"), kAccountant);
  EXPECT_EQ(last_.state_label, "partially_paid");
  const auto* payment = events::As<events::SupplierPaymentRecorded>(*appended_[0].envelope());
  EXPECT_EQ(events::Sv(payment->remaining()), "500.00");
  When(Pay(si, "500.01"), kAccountant);
  ExpectRejected(Errc::kRuleViolation, "overpayment");
  When(Pay(si, "500"), kAccountant);
  EXPECT_EQ(last_.state_label, "paid");
  When(CancelInvoice{si, "too late"}, kAccountant);
  ExpectRejected(Errc::kInvalidState);
}

TEST_F(P2pScenarios, CancellingAnInvoiceGivesTheCommitmentBack) {
  Ok(NewBudget("B", "block", "5000"), kFinance);
  std::string po = ConfirmedPo({Line("LAPTOP", "2", "1000")});
  Ok(Receive(po, {Got(1, "2")}), kReceiver);
  std::string si = Ok(Capture(Invoice(po, "F-70", {Billed(1, "1", "1000")})), kAccountant).stream_id;
  EXPECT_EQ(Cell("B").committed, D("1000"));
  EXPECT_EQ(Cell("B").actual, D("1000"));
  When(CancelInvoice{si, "duplicate scan"}, kAccountant);
  EXPECT_EQ(appended_types(),
            (Types{"SupplierInvoiceCancelled", "SupplierDocumentClaimed", "PurchaseOrderInvoiced",
                   "BudgetActualReleased", "BudgetCommitted"}));
  EXPECT_EQ(Cell("B").committed, D("2000"));
  EXPECT_EQ(Cell("B").actual, D("0"));
  EXPECT_EQ(Po(po).lines[0].invoiced, D("0"));
}

TEST_F(P2pScenarios, InvoicesRefuseBadCaptures) {
  std::string po = ConfirmedPo({Line("LAPTOP", "1", "1000")});
  When(Capture(Invoice(po, "", {Billed(1, "1", "1")})), kAccountant);
  ExpectRejected(Errc::kMalformed);
  When(Capture(Invoice(po, "X", {Billed(7, "1", "1")})), kAccountant);
  ExpectRejected(Errc::kNotFound);
  When(Capture(Invoice(po, "X", {Billed(1, "0", "1")})), kAccountant);
  ExpectRejected(Errc::kRuleViolation, "invalid_quantity");
  SiInput usd = Invoice(po, "X", {Billed(1, "1", "1")});
  usd.currency = "USD";
  When(Capture(usd), kAccountant);
  ExpectRejected(Errc::kRuleViolation, "currency_mismatch");
  std::string draft = NewPo({Line("LAPTOP", "1", "1")});
  When(Capture(Invoice(draft, "X", {Billed(1, "1", "1")})), kAccountant);
  ExpectRejected(Errc::kInvalidState);
}

}  // namespace
}  // namespace ledger::testing
