// The lifecycle machinery (engine/lifecycle.h), on a lifecycle of its own:
// decide refuses a step from the wrong status with the step's message,
// evolve stops on one, labels read back. The tables of the aggregates are
// tested in their contexts (tests/purchasing/status_tables_test.cc).
#include "engine/lifecycle.h"

#include <gtest/gtest.h>

namespace ledger::testing {
namespace {

enum class Light : uint8_t { kRed, kGreen, kAmber };
constexpr StatusLabels<Light, 3> kLightLabels = {{"red", "green", "amber"}};
constexpr std::string_view Label(Light l) { return kLightLabels[l]; }
constexpr Transition<Light> kGo = {.from = {Light::kRed},
                                   .to = {Light::kGreen},
                                   .refusal = "only a red light turns green; it is {}"};

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

TEST(LifecycleTest, AnUnknownValueHasALabelStill) {
  EXPECT_EQ(Label(static_cast<Light>(7)), "unknown");
}

}  // namespace
}  // namespace ledger::testing
