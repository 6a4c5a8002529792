// The envelope's formats (docs/FORMAT.md): records of format 2 carry their
// event in their context's schema; records of format 1 (one union of every
// event) are upcast on read, their bytes and hashes untouched.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "events/budgets_events.h"
#include "events/codec.h"
#include "events/event_json.h"
#include "events/format1_generated.h"
#include "events/purchasing_events.h"
#include "events/reference_events.h"

namespace ledger::events {
namespace {

std::string Encode(const EncodedEvent& event, std::string_view stream_type = "purchase_order") {
  EnvelopeMeta meta;
  meta.event_id = {7, 1};
  meta.stream_type = stream_type;
  meta.stream_id = "PO-2026-00001";
  meta.stream_version = 1;
  Digest hash{};
  return EncodeEnvelope(meta, event, Digest{}, &hash);
}

// A record of format 1 as the binary of commit c1bcc84 wrote it (the fuzz
// corpus keeps a few).
std::string Format1Seed(const std::string& name) {
  std::ifstream in(std::string(LEDGER_SOURCE_DIR) + "/fuzz/corpus/envelope/format1_" + name,
                   std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

TEST(EnvelopeTest, EveryContextIsRegisteredWithItsUnion) {
  ASSERT_GE(Contexts().size(), 3u);
  for (const ContextSchema& c : Contexts()) {
    EXPECT_EQ(FindContext(c.name), &c);
    EXPECT_GE(c.type_max, 1u) << c.name;
    // FlatBuffers unions hold 255 members at most, Java reads 127.
    EXPECT_LE(c.type_max, 127u) << c.name;
    EXPECT_EQ(c.TypeName(0), "");
    EXPECT_EQ(c.TypeName(c.type_max + 1), "");
  }
  EXPECT_EQ(FindContext("licensing-not-yet"), nullptr);
  EXPECT_EQ(FindContext("purchasing")->TypeName(1), "PurchaseOrderCreated");
}

TEST(EnvelopeTest, Format2CarriesTheEventInItsContextsSchema) {
  PurchaseOrderCreatedT po;
  po.supplier = "ACME";
  po.currency = "EUR";
  const std::string record = Encode(EncodeEvent(po));
  ASSERT_TRUE(VerifyRecord(record).ok());
  const Envelope* e = EnvelopeOf(record);
  EXPECT_EQ(e->schema_version(), 2);
  EXPECT_EQ(Sv(e->context()), "purchasing");
  EXPECT_EQ(e->format1_payload_type(), 0);
  EXPECT_EQ(e->format1_payload(), nullptr);
  EXPECT_EQ(EventTypeName(*e), "PurchaseOrderCreated");
  EXPECT_EQ(TypeOf<PurchasingEvent>(*e), PurchasingEvent::PurchaseOrderCreated);
  EXPECT_EQ(TypeOf<BudgetsEvent>(*e), BudgetsEvent::NONE);
  ASSERT_NE(As<PurchaseOrderCreated>(*e), nullptr);
  EXPECT_EQ(Sv(As<PurchaseOrderCreated>(*e)->supplier()), "ACME");
  EXPECT_EQ(As<PurchaseOrderConfirmed>(*e), nullptr);
  EXPECT_EQ(As<BudgetDefined>(*e), nullptr);
  // The event is a FlatBuffer of the context's schema alone.
  flatbuffers::Verifier v(e->event()->data(), e->event()->size());
  ASSERT_TRUE(VerifyPurchasingPayloadBuffer(v));
  const auto* payload = GetPurchasingPayload(e->event()->data());
  EXPECT_EQ(payload->event_type(), PurchasingEvent::PurchaseOrderCreated);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(e->event()->data()) % 8, 0u);
  EXPECT_EQ(nlohmann::json::parse(PayloadJson(*e))["supplier"], "ACME");
}

TEST(EnvelopeTest, AUnionObjectEncodesAsItsMember) {
  ReferenceEventUnion u;
  CostCenterDefinedT cc;
  cc.name = "IT";
  u.Set(std::move(cc));
  const std::string record = Encode(EncodeEvent(u), "cost_center");
  ASSERT_TRUE(VerifyRecord(record).ok());
  const Envelope* e = EnvelopeOf(record);
  EXPECT_EQ(Sv(e->context()), "reference");
  EXPECT_EQ(TypeOf<ReferenceEvent>(*e), ReferenceEvent::CostCenterDefined);
  const auto back = UnpackEvent<ReferenceEvent>(*e);
  ASSERT_NE(back.AsCostCenterDefined(), nullptr);
  EXPECT_EQ(back.AsCostCenterDefined()->name, "IT");
  EXPECT_EQ(UnpackEvent<PurchasingEvent>(*e).type, PurchasingEvent::NONE);
}

TEST(EnvelopeTest, Format1RecordsAreUpcastInPlace) {
  struct Case {
    const char* seed;
    const char* type;
    const char* context;
  };
  for (const Case& c : {Case{"po_created", "PurchaseOrderCreated", "purchasing"},
                        Case{"po_rfq_sent", "PurchaseOrderRfqSent", "purchasing"},
                        Case{"budget_defined", "BudgetDefined", "budgets"},
                        Case{"approval_policy", "ApprovalPolicyDefined", "reference"},
                        Case{"exchange_rate", "ExchangeRateDefined", "reference"},
                        Case{"user_defined", "UserDefined", "reference"}}) {
    const std::string record = Format1Seed(c.seed);
    ASSERT_FALSE(record.empty()) << c.seed;
    ASSERT_TRUE(VerifyRecord(record).ok()) << c.seed << ": " << VerifyRecord(record).ToString();
    const Envelope* e = EnvelopeOf(record);
    EXPECT_EQ(e->schema_version(), 1) << c.seed;
    EXPECT_EQ(e->event(), nullptr) << c.seed;
    EXPECT_EQ(EventTypeName(*e), c.type) << c.seed;
    const RawEvent r = ReadRawEvent(*e);
    EXPECT_EQ(r.context, c.context) << c.seed;
    // In place: the table is the one inside the record.
    EXPECT_EQ(r.table, static_cast<const void*>(e->format1_payload())) << c.seed;
    EXPECT_TRUE(nlohmann::json::parse(PayloadJson(*e)).is_object()) << c.seed;
  }
  const std::string po_record = Format1Seed("po_created");
  const Envelope* po = EnvelopeOf(po_record);
  EXPECT_EQ(TypeOf<PurchasingEvent>(*po), PurchasingEvent::PurchaseOrderCreated);
  EXPECT_EQ(TypeOf<ReferenceEvent>(*po), ReferenceEvent::NONE);
  ASSERT_NE(As<PurchaseOrderCreated>(*po), nullptr);
  EXPECT_EQ(Sv(As<PurchaseOrderCreated>(*po)->supplier()), "ACME");
  EXPECT_EQ(nlohmann::json::parse(PayloadJson(*po))["supplier"], "ACME");
  // ApprovalPolicyDefined was member 23 of format 1; it is 13 of ReferenceEvent.
  const std::string policy_record = Format1Seed("approval_policy");
  const Envelope* policy = EnvelopeOf(policy_record);
  EXPECT_EQ(static_cast<int>(policy->format1_payload_type()), 23);
  EXPECT_EQ(TypeOf<ReferenceEvent>(*policy), ReferenceEvent::ApprovalPolicyDefined);
  EXPECT_EQ(static_cast<int>(ReferenceEvent::ApprovalPolicyDefined), 13);
  EXPECT_NE(As<ApprovalPolicyDefined>(*policy), nullptr);
}

TEST(EnvelopeTest, EveryFormat1MemberIsAMemberOfOneContext) {
  const char* const* names = EnumNamesPayload();
  for (int t = 1; t <= static_cast<int>(Payload::MAX); ++t) {
    int found = 0;
    for (const ContextSchema& c : Contexts()) {
      for (int k = 1; k <= c.type_max; ++k) {
        found += c.TypeName(static_cast<uint8_t>(k)) == names[t];
      }
    }
    EXPECT_EQ(found, 1) << names[t];
  }
  EXPECT_EQ(static_cast<int>(Payload::MAX), 54);
}

TEST(EnvelopeTest, APayloadThatDoesNotVerifyIsCorruption) {
  PurchaseOrderCreatedT po;
  po.supplier = "ACME";
  std::string record = Encode(EncodeEvent(po));
  const Envelope* e = EnvelopeOf(record);
  // Break the root offset of the nested buffer: the envelope still
  // verifies, the context's payload does not.
  const size_t at = reinterpret_cast<const char*>(e->event()->data()) - record.data();
  record[at] = '\x7f';
  record[at + 1] = '\x7f';
  Status s = VerifyRecord(record, /*check_hash=*/false);
  EXPECT_EQ(s.code(), Errc::kCorruption) << s.ToString();
}

TEST(EnvelopeTest, AnEventOfAnUnknownContextIsCorruption) {
  PurchaseOrderCreatedT po;
  EncodedEvent event = EncodeEvent(po);
  event.context = "licensing-not-yet";
  const std::string record = Encode(event);
  Status s = VerifyRecord(record);
  EXPECT_EQ(s.code(), Errc::kCorruption) << s.ToString();
  // An operator reads what to do: which context, and that a newer ledgerd
  // wrote it.
  EXPECT_NE(s.message().find("\"licensing-not-yet\""), std::string::npos) << s.ToString();
  EXPECT_NE(s.message().find("it knows reference, budgets, purchasing"), std::string::npos)
      << s.ToString();
}

TEST(EnvelopeTest, AnEventTypeNewerThanTheContextsSchemaIsRefused) {
  // A purchasing payload whose member is one past the last this binary
  // knows, as a newer ledgerd would write it.
  const auto newer = static_cast<uint8_t>(static_cast<uint8_t>(PurchasingEvent::MAX) + 1);
  flatbuffers::FlatBufferBuilder fbb;
  PurchaseOrderConfirmedT confirmed;
  auto table = PurchaseOrderConfirmed::Pack(fbb, &confirmed);
  PurchasingPayloadBuilder root(fbb);
  root.add_event_type(static_cast<PurchasingEvent>(newer));
  root.add_event(table.Union());
  fbb.Finish(root.Finish());
  EncodedEvent event;
  event.context = "purchasing";
  event.type = newer;
  event.payload.assign(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize());
  Status s = VerifyRecord(Encode(event));
  EXPECT_EQ(s.code(), Errc::kCorruption) << s.ToString();
  EXPECT_NE(s.message().find("newer than this ledgerd"), std::string::npos) << s.ToString();
}

}  // namespace
}  // namespace ledger::events
