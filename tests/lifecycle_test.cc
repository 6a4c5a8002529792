// The lifecycle machinery (engine/lifecycle.h) and the tables of the
// aggregates that use it: decide refuses a step from the wrong status with
// the step's message, evolve stops on one, labels read back.
#include "engine/lifecycle.h"

#include <gtest/gtest.h>

#include "engine/purchasing/purchase_order.h"
#include "engine/purchasing/purchase_request.h"
#include "engine/purchasing/supplier_invoice.h"

namespace ledger::testing {
namespace {

using domain::PoStatus;
using domain::PrStatus;
using domain::SiStatus;

enum class Light : uint8_t { kRed, kGreen, kAmber };
constexpr StatusLabels<Light, 3> kLightLabels = {{"red", "green", "amber"}};
constexpr std::string_view Label(Light l) { return kLightLabels[l]; }
constexpr Transition<Light> kGo = {
    .from = {Light::kRed}, .to = {Light::kGreen}, .refusal = "only a red light turns green; it is {}"};

static_assert(kGo.from.contains(Light::kRed));
static_assert(!kGo.from.contains(Light::kGreen) && !kGo.from.contains(Light::kAmber));
static_assert(kLightLabels.Parse("amber") == Light::kAmber);
static_assert(!kLightLabels.Parse("blue").has_value());
static_assert(!kLightLabels.Known(static_cast<Light>(3)));

TEST(LifecycleTest, DecideRefusesAStepFromElsewhereWithItsMessage) {
  EXPECT_TRUE(CheckTransition(kGo, Light::kRed).ok());
  Status s = CheckTransition(kGo, Light::kAmber);
  EXPECT_EQ(s.code(), Errc::kInvalidState);
  EXPECT_EQ(s.message(), "only a red light turns green; it is amber");
}

TEST(LifecycleTest, EvolveReturnsTheNewStatusOfALegalStep) {
  EXPECT_EQ(Enter(kGo, Light::kRed, Light::kGreen), Light::kGreen);
}

TEST(LifecycleDeathTest, EvolveStopsOnAnIllegalStep) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(Enter(kGo, Light::kAmber, Light::kGreen), "illegal transition from amber to green");
  EXPECT_DEATH(Enter(kGo, Light::kRed, Light::kAmber), "illegal transition from red to amber");
}

// The refusals say what they said when statuses were strings.
TEST(LifecycleTest, AggregateRefusalsNameTheCurrentStatus) {
  EXPECT_EQ(CheckTransition(domain::kPoConfirm, PoStatus::kCancelled).message(),
            "only a draft or rfq_sent order can be confirmed; it is cancelled");
  EXPECT_EQ(CheckTransition(domain::kPoCancel, PoStatus::kDone).message(),
            "a done order cannot be cancelled");
  EXPECT_EQ(CheckTransition(domain::kPrEdit, PrStatus::kRejected).message(),
            "a rejected request cannot be edited");
  EXPECT_EQ(CheckTransition(domain::kSiPay, SiStatus::kMatched).message(),
            "only an approved invoice is paid; it is matched");
}

TEST(LifecycleTest, LabelsAreTheApisAndReadBack) {
  EXPECT_EQ(Label(PoStatus::kPartiallyReceived), "partially_received");
  EXPECT_EQ(Label(PoStatus::kRfqSent), "rfq_sent");
  EXPECT_EQ(Label(PrStatus::kOrdered), "ordered");
  EXPECT_EQ(Label(SiStatus::kPartiallyPaid), "partially_paid");
  for (uint8_t i = 0; i < 7; ++i) {
    auto s = static_cast<PoStatus>(i);
    EXPECT_EQ(domain::kPoStatusLabels.Parse(Label(s)), s);
  }
  EXPECT_EQ(PoStatus::kDone, "done");  // a status equals its label
}

TEST(LifecycleTest, ASnapshotWithAnUnknownStatusIsNotValid) {
  domain::PurchaseOrder po;
  po.currency = "EUR";
  EXPECT_TRUE(Valid(po));
  po.status = static_cast<PoStatus>(42);
  EXPECT_FALSE(Valid(po));
}

}  // namespace
}  // namespace ledger::testing
