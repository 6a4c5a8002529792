// The status tables of orders, requests and invoices (engine/lifecycle.h):
// refusals say what they said when statuses were strings, labels are the
// API's and read back, and a snapshot with an unknown status is not valid.
#include <gtest/gtest.h>

#include "engine/purchasing/purchase_order.h"
#include "engine/purchasing/purchase_request.h"
#include "engine/purchasing/supplier_invoice.h"

namespace ledger::testing {
namespace {

using domain::PoStatus;
using domain::PrStatus;
using domain::SiStatus;

TEST(StatusTablesTest, RefusalsNameTheCurrentStatus) {
  EXPECT_EQ(CheckTransition(domain::kPoConfirm, PoStatus::kCancelled).message(),
            "only a draft or rfq_sent order can be confirmed; it is cancelled");
  EXPECT_EQ(CheckTransition(domain::kPoCancel, PoStatus::kDone).message(),
            "a done order cannot be cancelled");
  EXPECT_EQ(CheckTransition(domain::kPrEdit, PrStatus::kRejected).message(),
            "a rejected request cannot be edited");
  EXPECT_EQ(CheckTransition(domain::kSiPay, SiStatus::kMatched).message(),
            "only an approved invoice is paid; it is matched");
}

TEST(StatusTablesTest, LabelsAreTheApisAndReadBack) {
  EXPECT_EQ(Label(PoStatus::kPartiallyReceived), "partially_received");
  EXPECT_EQ(Label(PoStatus::kRfqSent), "rfq_sent");
  EXPECT_EQ(Label(PrStatus::kOrdered), "ordered");
  EXPECT_EQ(Label(SiStatus::kPartiallyPaid), "partially_paid");
  for (uint8_t i = 0; i < 7; ++i) {
    auto po = static_cast<PoStatus>(i);
    EXPECT_EQ(domain::kPoStatusLabels.Parse(Label(po)), po);
    auto si = static_cast<SiStatus>(i);
    EXPECT_EQ(domain::kSiStatusLabels.Parse(Label(si)), si);
  }
  for (uint8_t i = 0; i < 6; ++i) {
    auto pr = static_cast<PrStatus>(i);
    EXPECT_EQ(domain::kPrStatusLabels.Parse(Label(pr)), pr);
  }
  EXPECT_EQ(PoStatus::kDone, "done");  // a status equals its label
}

TEST(StatusTablesTest, ASnapshotWithAnUnknownStatusIsNotValid) {
  domain::PurchaseOrder po;
  po.currency = "EUR";
  EXPECT_TRUE(Valid(po));
  po.status = static_cast<PoStatus>(42);
  EXPECT_FALSE(Valid(po));
}

}  // namespace
}  // namespace ledger::testing
