// Text of events as JSON: what is UTF-8, and how bytes that are not are shown.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "events/event_json.h"

namespace ledger::events {
namespace {

TEST(EventJsonTest, Utf8IsRecognisedStrictly) {
  struct Case {
    std::string text;
    bool utf8;
  };
  const std::vector<Case> cases = {
      {"", true},
      {"plain ascii", true},
      {"\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", true},  // été € 😀
      {"\xef\xbf\xbf", true},                                      // U+FFFF
      {"\xf4\x8f\xbf\xbf", true},                                  // U+10FFFF
      {"\xff", false},
      {"\xc3", false},              // cut
      {"\xc0\xaf", false},          // overlong '/'
      {"\xe0\x80\xaf", false},      // overlong
      {"\xed\xa0\x80", false},      // a surrogate
      {"\xf4\x90\x80\x80", false},  // above U+10FFFF
      {"a\x80", false},             // a lone continuation byte
  };
  for (const auto& c : cases) EXPECT_EQ(IsUtf8(c.text), c.utf8) << nlohmann::json(Utf8Text(c.text));
}

TEST(EventJsonTest, BytesThatAreNotUtf8AreShownAsText) {
  EXPECT_EQ(Utf8Text("caf\xc3\xa9"), "caf\xc3\xa9");
  EXPECT_EQ(Utf8Text("a\xff\xfe" "b\xc3"), R"(a\xFF\xFEb\xC3)");
  const std::string quoted = JsonQuote("corr-\xff\n\"\xe2\x82\xac");
  auto parsed = nlohmann::json::parse("[" + quoted + "]", nullptr, false);
  ASSERT_FALSE(parsed.is_discarded()) << quoted;
  EXPECT_EQ(parsed[0], "corr-\\xFF\n\"\xe2\x82\xac");
}

}  // namespace
}  // namespace ledger::events
