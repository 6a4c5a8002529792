// Decimal arithmetic and document amounts (SPEC §2, §4.4).
#include <gtest/gtest.h>

#include "engine/tax.h"
#include "tests/test_support.h"

namespace ledger {
namespace {

using testing::D;

TEST(Decimal, ParsesAndPrintsCanonically) {
  EXPECT_EQ(D("1234.50").ToString(), "1234.5");
  EXPECT_EQ(D("1234.50").ToString(2), "1234.50");
  EXPECT_EQ(D("-0.000001").ToString(), "-0.000001");
  EXPECT_EQ(D("007").ToString(), "7");
  EXPECT_EQ(D("0").ToString(2), "0.00");
  EXPECT_EQ(D("-12.5").ToString(0), "-12");  // ToString(digits) expects a rounded value
  EXPECT_EQ(D("999999999999999999999999.999999").ToString(), "999999999999999999999999.999999");
}

TEST(Decimal, RejectsWhatIsNotAnExactDecimal) {
  for (const char* bad : {"", "-", ".", "1.", ".5", "1.2.3", "1e5", "+1", "12a", " 1", "1,5",
                          "0.0000001", "1.1234567", "NaN", "1000000000000000000000000"}) {
    auto r = Decimal::Parse(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), Errc::kMalformed) << bad;
    }
  }
  EXPECT_NE(Decimal::Parse("0.1234567").status().message().find("6 fractional digits"),
            std::string::npos);
}

// Found by fuzz_decimal: rounding (or summing, or multiplying) values that
// Parse accepts can give more than its 24 integer digits; such an amount is
// written to an event and must read back as it was, not as zero.
TEST(Decimal, WhatIsWrittenReadsBack) {
  const Decimal rounded = D("999999999999999999999999.999999").Round(0);
  ASSERT_EQ(rounded.ToString(0), "1000000000000000000000000");
  EXPECT_FALSE(Decimal::Parse(rounded.ToString(0)).ok());  // not as input
  ASSERT_TRUE(Decimal::ParseStored(rounded.ToString(0)).ok());
  EXPECT_EQ(*Decimal::ParseStored(rounded.ToString(0)), rounded);
  auto product = RoundExact(*CheckedMul(Exact::Of(D("10000000000000")), Exact::Of(D("10000000000000"))), 2);
  ASSERT_TRUE(product.has_value());
  EXPECT_EQ(*Decimal::ParseStored(product->ToString(2)), *product);
  // Everything 128 bits hold, and nothing beyond.
  const auto max = Decimal::ParseStored("170141183460469231731687303715884.105727");
  ASSERT_TRUE(max.ok());
  EXPECT_EQ(max->ToString(), "170141183460469231731687303715884.105727");
  EXPECT_EQ(Decimal::ParseStored("-170141183460469231731687303715884.105727")->ToString(),
            "-170141183460469231731687303715884.105727");
  for (const char* bad : {"170141183460469231731687303715884.105728", "1000000000000000000000000000000000",
                          "1e5", "", "1."}) {
    EXPECT_FALSE(Decimal::ParseStored(bad).ok()) << bad;
  }
}

TEST(Decimal, RoundsHalfAwayFromZero) {
  EXPECT_EQ(D("0.005").Round(2).ToString(2), "0.01");
  EXPECT_EQ(D("0.004999").Round(2).ToString(2), "0.00");
  EXPECT_EQ(D("-0.005").Round(2).ToString(2), "-0.01");
  EXPECT_EQ(D("2.5").Round(0).ToString(0), "3");
  EXPECT_EQ(D("-2.5").Round(0).ToString(0), "-3");
  EXPECT_EQ(D("1.0005").Round(3).ToString(3), "1.001");
}

TEST(Decimal, ExactProductsRoundOnce) {
  // 3 x 329.90 x 95% = 940.215 -> 940.22
  auto gross = CheckedMul(Exact::Of(D("3")), Exact::Of(D("329.90")));
  ASSERT_TRUE(gross);
  auto net = CheckedMul(*gross, *CheckedSub(Exact::Integer(1), Exact::Percent(D("5"))));
  ASSERT_TRUE(net);
  EXPECT_EQ(RoundExact(*net, 2)->ToString(2), "940.22");
  // 100 / 1.2 = 83.333... -> 83.33
  EXPECT_EQ(DivRound(Exact::Of(D("100")), Exact::Of(D("1.2")), 2)->ToString(2), "83.33");
  EXPECT_FALSE(DivRound(Exact::Of(D("1")), Exact::Of(D("0")), 2));
}

TEST(Decimal, OverflowIsDetectedNotWrapped) {
  Decimal big = D("999999999999999999999999");
  auto sq = CheckedMul(Exact::Of(big), Exact::Of(big));
  EXPECT_FALSE(sq);
  Decimal max = Decimal::FromUnits(std::numeric_limits<int128>::max());
  EXPECT_FALSE(max.CheckedAdd(D("0.000001")));
}

TEST(Decimal, CurrencyMinorUnits) {
  EXPECT_EQ(CurrencyDigits("EUR"), 2);
  EXPECT_EQ(CurrencyDigits("XOF"), 0);
  EXPECT_EQ(CurrencyDigits("JPY"), 0);
  EXPECT_EQ(CurrencyDigits("KWD"), 3);
  EXPECT_FALSE(CurrencyDigits("XXX"));
  EXPECT_FALSE(CurrencyDigits("eur"));
}

std::vector<TaxLineInput> FourLines() {
  std::vector<TaxLineInput> lines;
  for (const char* price : {"1.03", "1.03", "1.03", "1.01"}) {
    lines.push_back({D("1"), D(price), D("0"), "VAT20", D("20"), false});
  }
  return lines;
}

TEST(Tax, PerLineAndGlobalRoundingDifferByACentOnFourLines) {
  auto per_line = ComputeAmounts(FourLines(), 2, TaxRounding::kPerLine);
  auto global = ComputeAmounts(FourLines(), 2, TaxRounding::kGlobal);
  ASSERT_TRUE(per_line.ok());
  ASSERT_TRUE(global.ok());
  EXPECT_EQ(per_line->untaxed.ToString(2), "4.10");
  EXPECT_EQ(per_line->tax.ToString(2), "0.83");
  EXPECT_EQ(per_line->total.ToString(2), "4.93");
  EXPECT_EQ(global->tax.ToString(2), "0.82");
  EXPECT_EQ(global->total.ToString(2), "4.92");
}

TEST(Tax, GlobalRoundingRoundsEachTaxCodeOnce) {
  std::vector<TaxLineInput> lines = {
      {D("1"), D("1.03"), D("0"), "VAT20", D("20"), false},
      {D("1"), D("1.03"), D("0"), "VAT20", D("20"), false},
      {D("1"), D("0.05"), D("0"), "VAT10", D("10"), false},   // 0.005
      {D("1"), D("0.05"), D("0"), "VAT10", D("10"), false}};  // 0.005
  auto g = ComputeAmounts(lines, 2, TaxRounding::kGlobal);
  ASSERT_TRUE(g.ok());
  // VAT20: 0.412 -> 0.41; VAT10: 0.010 -> 0.01.
  EXPECT_EQ(g->tax.ToString(2), "0.42");
  auto p = ComputeAmounts(lines, 2, TaxRounding::kPerLine);
  // 0.21 + 0.21 + 0.01 + 0.01
  EXPECT_EQ(p->tax.ToString(2), "0.44");
}

TEST(Tax, ZeroDecimalCurrencyRoundsToUnits) {
  // XOF: 3 x 333.5 = 1000.5 -> 1001; 18% of 1001 = 180.18 -> 180.
  std::vector<TaxLineInput> lines = {{D("3"), D("333.5"), D("0"), "T18", D("18"), false}};
  auto a = ComputeAmounts(lines, 0, TaxRounding::kPerLine);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->untaxed.ToString(0), "1001");
  EXPECT_EQ(a->tax.ToString(0), "180");
  EXPECT_EQ(a->total.ToString(0), "1181");
}

TEST(Tax, ThreeDecimalCurrency) {
  std::vector<TaxLineInput> lines = {{D("1"), D("10.0005"), D("0"), "", D("0"), false}};
  auto a = ComputeAmounts(lines, 3, TaxRounding::kPerLine);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->total.ToString(3), "10.001");
}

TEST(Tax, PriceIncludedTaxIsExtractedFromTheTotal) {
  std::vector<TaxLineInput> lines = {{D("1"), D("120"), D("0"), "VAT20i", D("20"), true},
                                     {D("1"), D("100"), D("0"), "VAT20i", D("20"), true}};
  auto a = ComputeAmounts(lines, 2, TaxRounding::kPerLine);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->lines[0].subtotal.ToString(2), "100.00");
  EXPECT_EQ(a->lines[1].subtotal.ToString(2), "83.33");
  EXPECT_EQ(a->lines[1].tax.ToString(2), "16.67");
  EXPECT_EQ(a->total.ToString(2), "220.00");
}

TEST(Tax, DiscountsApplyBeforeTax) {
  std::vector<TaxLineInput> lines = {{D("3"), D("329.90"), D("5"), "VAT20", D("20"), false}};
  auto a = ComputeAmounts(lines, 2, TaxRounding::kPerLine);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->untaxed.ToString(2), "940.22");
  EXPECT_EQ(a->tax.ToString(2), "188.04");
}

TEST(Tax, OverflowIsARuleViolation) {
  std::vector<TaxLineInput> lines = {{D("999999999999999999999999"), D("999999999999999999999999"),
                                      D("0"), "VAT20", D("20"), false}};
  auto a = ComputeAmounts(lines, 2, TaxRounding::kPerLine);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), Errc::kRuleViolation);
  EXPECT_EQ(a.status().rule(), "amount_overflow");
}

}  // namespace
}  // namespace ledger
