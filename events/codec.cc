#include "events/codec.h"

#include <openssl/evp.h>

#include <cstring>
#include <memory>

namespace ledger {

std::string_view ErrcName(Errc code) {
  switch (code) {
    case Errc::kOk: return "ok";
    case Errc::kMalformed: return "malformed";
    case Errc::kUnauthenticated: return "unauthenticated";
    case Errc::kForbidden: return "forbidden";
    case Errc::kNotFound: return "not_found";
    case Errc::kInvalidState: return "invalid_state";
    case Errc::kVersionConflict: return "version_conflict";
    case Errc::kDuplicate: return "duplicate";
    case Errc::kRuleViolation: return "rule_violation";
    case Errc::kTooLarge: return "too_large";
    case Errc::kOverloaded: return "overloaded";
    case Errc::kUnavailable: return "unavailable";
    case Errc::kCorruption: return "corruption";
    case Errc::kIoError: return "io_error";
    case Errc::kNoSpace: return "insufficient_storage";
    case Errc::kInternal: return "internal";
  }
  return "unknown";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string s(ErrcName(code_));
  if (!rule_.empty()) s += "(" + rule_ + ")";
  s += ": " + message_;
  return s;
}

namespace events {
namespace {

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

// SHA-256 of `bytes` as if the 32 bytes at `hole` were zero.
Digest HashWithHole(const uint8_t* bytes, size_t size, size_t hole) {
  static const uint8_t kZeros[32] = {};
  // One context per thread, reused: allocating one per record cost more
  // than hashing a small record.
  thread_local std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  LEDGER_ASSERT(ctx != nullptr);
  LEDGER_ASSERT(hole + 32 <= size);
  Digest d{};
  unsigned int len = 0;
  LEDGER_ASSERT(EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) == 1);
  EVP_DigestUpdate(ctx.get(), bytes, hole);
  EVP_DigestUpdate(ctx.get(), kZeros, 32);
  EVP_DigestUpdate(ctx.get(), bytes + hole + 32, size - hole - 32);
  LEDGER_ASSERT(EVP_DigestFinal_ex(ctx.get(), d.data(), &len) == 1 && len == 32);
  return d;
}

Digest ToDigest(const Hash256* h) {
  Digest d{};
  if (h) std::memcpy(d.data(), h->bytes()->data(), 32);
  return d;
}

}  // namespace

std::string ToHex(const uint8_t* data, size_t size) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out(size * 2, '0');
  for (size_t i = 0; i < size; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 15];
  }
  return out;
}

std::string Sha256Hex(std::string_view data) {
  Digest d{};
  unsigned int len = 0;
  LEDGER_ASSERT(EVP_Digest(data.data(), data.size(), d.data(), &len, EVP_sha256(), nullptr) == 1);
  return ToHex(d);
}

std::string EventIdValue::ToString() const {
  uint8_t raw[16];
  for (int i = 0; i < 8; ++i) {
    raw[i] = static_cast<uint8_t>(hi >> (56 - 8 * i));
    raw[8 + i] = static_cast<uint8_t>(lo >> (56 - 8 * i));
  }
  return ToHex(raw, 16);
}

std::string EncodeEnvelope(const EnvelopeMeta& m, const EncodedEvent& event,
                           const Digest& prev_hash, Digest* hash) {
  LEDGER_ASSERT(!event.empty() && !event.context.empty());
  flatbuffers::FlatBufferBuilder fbb(512 + event.payload.size());
  auto str = [&](std::string_view s) {
    return s.empty() ? flatbuffers::Offset<flatbuffers::String>()
                     : fbb.CreateString(s.data(), s.size());
  };
  auto stream_type = str(m.stream_type);
  auto stream_id = str(m.stream_id);
  auto effective_date = str(m.effective_date);
  auto actor = str(m.actor);
  flatbuffers::Offset<flatbuffers::Vector<flatbuffers::Offset<flatbuffers::String>>> roles;
  if (m.actor_roles && !m.actor_roles->empty()) roles = fbb.CreateVectorOfStrings(*m.actor_roles);
  auto command_id = str(m.command_id);
  auto correlation_id = str(m.correlation_id);
  auto causation_id = str(m.causation_id);
  auto idempotency_key = str(m.idempotency_key);
  auto request_hash = str(m.request_hash);
  auto context = fbb.CreateString(event.context.data(), event.context.size());
  // The event is a FlatBuffer of its own: aligned as the largest scalar it
  // may hold, so that its accessors read aligned values in place.
  fbb.ForceVectorAlignment(event.payload.size(), sizeof(uint8_t), 8);
  auto body = fbb.CreateVector(reinterpret_cast<const uint8_t*>(event.payload.data()),
                               event.payload.size());

  EventId id(m.event_id.hi, m.event_id.lo);
  Hash256 prev(flatbuffers::span<const uint8_t, 32>(prev_hash.data(), 32));
  Hash256 zero;
  EnvelopeBuilder b(fbb);
  b.add_event_id(&id);
  b.add_stream_type(stream_type);
  b.add_stream_id(stream_id);
  b.add_stream_version(m.stream_version);
  b.add_recorded_at_us(m.recorded_at_us);
  b.add_effective_date(effective_date);
  b.add_actor(actor);
  b.add_actor_roles(roles);
  b.add_command_id(command_id);
  b.add_correlation_id(correlation_id);
  b.add_causation_id(causation_id);
  b.add_idempotency_key(idempotency_key);
  b.add_request_hash(request_hash);
  b.add_schema_version(kEnvelopeFormat);
  b.add_partition(m.partition);
  b.add_prev_hash(&prev);
  b.add_hash(&zero);
  b.add_context(context);
  b.add_event(body);
  FinishEnvelopeBuffer(fbb, b.Finish());

  std::string bytes(reinterpret_cast<const char*>(fbb.GetBufferPointer()), fbb.GetSize());
  auto* env = GetMutableEnvelope(bytes.data());
  auto* h = env->mutable_hash();
  LEDGER_ASSERT(h != nullptr);
  const auto* base = reinterpret_cast<const uint8_t*>(bytes.data());
  size_t hole = reinterpret_cast<const uint8_t*>(h) - base;
  Digest d = HashWithHole(base, bytes.size(), hole);
  std::memcpy(h->mutable_bytes()->Data(), d.data(), 32);
  if (hash) *hash = d;
  return bytes;
}

Status VerifyRecord(std::string_view bytes, bool check_hash) {
  if (bytes.size() < 8 || bytes.size() > (64u << 20)) {
    return Status::Corruption("record size out of range");
  }
  flatbuffers::Verifier verifier(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  if (!VerifyEnvelopeBuffer(verifier)) {
    return Status::Corruption("record is not a valid envelope");
  }
  const Envelope* env = EnvelopeOf(bytes);
  if (env->hash() == nullptr || env->stream_id() == nullptr || env->stream_type() == nullptr ||
      env->event_id() == nullptr) {
    return Status::Corruption("envelope misses a required field");
  }
  LEDGER_RETURN_IF_ERROR(
      VerifyEvent(*env, reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
  if (check_hash) {
    const auto* base = reinterpret_cast<const uint8_t*>(bytes.data());
    size_t hole = reinterpret_cast<const uint8_t*>(env->hash()) - base;
    if (HashWithHole(base, bytes.size(), hole) != ToDigest(env->hash())) {
      return Status::Corruption("record hash does not match its content");
    }
  }
  return Status::Ok();
}

Digest HashOf(const Envelope& e) { return ToDigest(e.hash()); }
Digest PrevHashOf(const Envelope& e) { return ToDigest(e.prev_hash()); }
EventIdValue EventIdOf(const Envelope& e) {
  return e.event_id() ? EventIdValue{e.event_id()->hi(), e.event_id()->lo()} : EventIdValue{};
}

}  // namespace events
}  // namespace ledger
