// Text of events as JSON: what is UTF-8, how bytes that are not are shown,
// and that fields marked (secret) are never shown.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "engine/reference_key.h"
#include "events/event_json.h"
#include "events/reference_events.h"

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

TEST(EventJsonTest, FieldsMarkedSecretAreKeptButNeverRendered) {
  ApiTokenIssuedT t;
  t.user_id = "alice";
  t.label = "ci";
  t.digest.assign(32, 0xab);
  ReferenceEventUnion u;
  u.Set(std::move(t));
  EnvelopeMeta meta;
  meta.stream_type = "api_token";
  meta.stream_id = "tok_0123456789abcdef";
  meta.stream_version = 1;
  Digest hash{};
  const std::string record = EncodeEnvelope(meta, EncodeEvent(u), Digest{}, &hash);
  const Envelope* e = EnvelopeOf(record);
  ASSERT_NE(events::As<events::ApiTokenIssued>(*e)->digest(), nullptr);
  EXPECT_EQ(events::As<events::ApiTokenIssued>(*e)->digest()->size(), 32u);
  const nlohmann::json shown = {{"user_id", "alice"}, {"label", "ci"}};
  EXPECT_EQ(nlohmann::json::parse(PayloadJson(*e)), shown);
  const std::string envelope = EnvelopeJson(*e, 0);
  EXPECT_EQ(envelope.find("digest"), std::string::npos) << envelope;
  EXPECT_EQ(envelope.find("171"), std::string::npos) << envelope;  // 0xab
  // A payload kept as a standalone table (reference snapshots) alike.
  flatbuffers::FlatBufferBuilder fbb;
  fbb.Finish(flatbuffers::Offset<flatbuffers::Table>(u.Pack(fbb).o));
  EXPECT_EQ(nlohmann::json::parse(TableJson(events::ReferenceEvent::ApiTokenIssued,
                                            fbb.GetBufferPointer())),
            shown);
}

TEST(ReferenceKeyTest, OneDocumentHoweverItIsTyped) {
  const std::string key = *ReferenceKey("ACME-F-1001");
  EXPECT_EQ(key, "acme-f-1001");
  for (const char* same : {"ACME-F-1001 ", "\t acme-f-1001", "ACME-F\u200B-1001",
                           "ACME\u2010F\u20111001", "ACME\u2012F\u20141001",
                           "ACME\u2212F\uFE631001", "\uFF21\uFF23\uFF2D\uFF25\uFF0DF-1001",
                           "ACME-F-1001\u00AD", "A\u200DCME-F-1001\uFEFF"}) {
    auto k = ReferenceKey(same);
    ASSERT_TRUE(k.ok()) << same;
    EXPECT_EQ(*k, key) << same;
  }
  // Case folding is Unicode's, not ASCII's; what differs stays different.
  EXPECT_EQ(*ReferenceKey("STRASSE-1"), *ReferenceKey("stra\u00DFe-1"));
  EXPECT_NE(*ReferenceKey("F-1001"), *ReferenceKey("F-10011"));
  EXPECT_NE(*ReferenceKey("F 1001"), *ReferenceKey("F1001"));
  EXPECT_FALSE(ReferenceKey("\u200B ").ok());
  EXPECT_FALSE(ReferenceKey("F-\xff").ok());
}

}  // namespace
}  // namespace ledger::events
