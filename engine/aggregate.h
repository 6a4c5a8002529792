// Aggregates: `decide` + `evolve`, pure.
//
// An aggregate type is a state struct S with
//   void Apply(S&, const events::Envelope&);         // evolve: apply one event
//   std::string_view Label(const S&);                // status, e.g. "draft"
//   template <class A, class Self> void Fields(A&, Self&);  // snapshot fields
//   bool Valid(const S&);                            // snapshot sanity check
//   void Describe(const S&, ListEntry&);             // optional: how it is listed
//   static constexpr StreamTraits kStream = {...};   // its stream type (below)
// and, per command (a plain struct, engine/commands.h), one overload
// `Decision Decide(const S&, const Cmd&, DecideContext&)` (or
// `Decide(const Cmd&, DecideContext&)` for a command that starts a stream)
// that returns the events to append or a rejection. Neither reads a clock, a
// global or storage: everything comes from their arguments, which is what
// makes replay, tests and as-of queries trivial.
//
// The engine only sees AggregateState, a type-erased StateOf<S>, and the
// StreamType registry: each bounded context lists its stream types
// (engine/<context>/streams.cc) and the binaries register the contexts of
// the list of contexts (CMakeLists.txt, LEDGER_CONTEXTS) at start.
#pragma once

#include <concepts>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/decimal.h"
#include "engine/listing.h"
#include "engine/log.h"
#include "engine/snapshot_codec.h"

namespace ledger {

struct Actor {
  std::string id;
  std::vector<std::string> roles;
  bool HasRole(std::string_view role) const {
    for (const auto& r : roles) {
      if (r == role) return true;
    }
    return false;
  }
};

class AggregateState {
 public:
  virtual ~AggregateState() = default;
  virtual std::unique_ptr<AggregateState> Clone() const = 0;
  virtual void Evolve(const events::Envelope& e) = 0;
  // Snapshot body. Decode returns false when the bytes do not decode into
  // the current shape of the state (e.g. after a schema change).
  virtual std::string Encode() const = 0;
  virtual bool Decode(std::string_view bytes) = 0;
  virtual std::string_view StatusLabel() const = 0;
  // Fills `out` as the list projection shows the document; false when the
  // state type declares no Describe (engine/listing.h).
  virtual bool DescribeListing(ListEntry& out) const = 0;

  uint64_t version = 0;  // stream_version of the last event applied
};

// A state type the list projection can list (engine/listing.h).
template <class S>
concept Listable = requires(const S& s, ListEntry& e) { Describe(s, e); };

template <class S>
class StateOf final : public AggregateState {
 public:
  S value{};

  std::unique_ptr<AggregateState> Clone() const override {
    return std::make_unique<StateOf<S>>(*this);
  }
  void Evolve(const events::Envelope& e) override { Apply(value, e); }
  std::string Encode() const override {
    SnapshotWriter w;
    Fields(w, value);
    return std::move(w.bytes());
  }
  bool Decode(std::string_view bytes) override {
    SnapshotReader r(bytes);
    S decoded{};
    Fields(r, decoded);
    if (!r.ok() || !Valid(decoded)) return false;
    value = std::move(decoded);
    return true;
  }
  std::string_view StatusLabel() const override { return Label(value); }
  bool DescribeListing(ListEntry& out) const override {
    if constexpr (Listable<S>) {
      Describe(value, out);
      return true;
    } else {
      return false;
    }
  }
};

// What the engine knows of an aggregate's streams, written once, in its
// state struct: `static constexpr StreamTraits kStream = {...};`. The engine
// registers StreamTypeOf<S>() and the typed helpers (DecideContext::Get<S>,
// ToCommand, Engine::Load<S>...) name the stream type from it, so no file
// repeats the string. Reference data, whose kinds share one state type, is
// named by its definition payload instead (engine/reference/reference_entity.h).
struct StreamTraits {
  std::string_view type;  // "purchase_order": in the log, never renamed
  Topic topic;
  // Documents numbered by the ledger: ids are "<series>-<year>-<NNNNN>".
  std::string_view series;  // "" when ids come from the client
  // Bump when the state's Fields change: older snapshots are then rebuilt.
  uint32_t snapshot_format = 1;
};

// A state struct that declares its stream traits.
template <class S>
concept Streamed = requires {
  { S::kStream } -> std::convertible_to<StreamTraits>;
};

// The typed state behind `s`, or nullptr.
template <class S>
const S* StateCast(const AggregateState* s) {
  auto* typed = dynamic_cast<const StateOf<S>*>(s);
  return typed ? &typed->value : nullptr;
}

struct StreamType {
  std::string_view name;     // "purchase_order"
  Topic topic;
  // Documents numbered by the ledger: ids are "<series>-<year>-<NNNNN>".
  std::string_view series;   // "" when ids come from the client
  // Bump when S's snapshot shape changes: older snapshots are then rebuilt.
  uint32_t snapshot_format;
  std::unique_ptr<AggregateState> (*make)();
  // GET /v1/<collection> lists the documents of this type (the state type
  // declares Describe); nullptr: not listed.
  const Listing* listing = nullptr;
  // The collection of the rows Describe lists (an order's lines); nullptr: none.
  const Listing* row_listing = nullptr;
};

template <class S>
std::unique_ptr<AggregateState> MakeState() {
  return std::make_unique<StateOf<S>>();
}

// The registry entry of S's streams.
template <Streamed S>
constexpr StreamType StreamTypeOf() {
  return {S::kStream.type, S::kStream.topic, S::kStream.series, S::kStream.snapshot_format,
          &MakeState<S>};
}

// `type` listed in GET /v1/<listing->collection> (and its rows in `rows`'s
// collection): streams.cc names each listed type's listings beside it.
constexpr StreamType Listed(StreamType type, const Listing* listing,
                            const Listing* rows = nullptr) {
  type.listing = listing;
  type.row_listing = rows;
  return type;
}

// The registry of every stream type, filled once at start by
// RegisterStreamTypes; nullptr if unknown.
const StreamType* FindStreamType(std::string_view name);
const std::vector<StreamType>& AllStreamTypes();
// Adds a context's stream types to the registry. Call before any engine
// opens (the registry is read without a lock); a name registered twice is a
// programming error.
void RegisterStreamTypes(std::span<const StreamType> types);

// An event a decision asks to append. By default to the command's stream.
struct NewEvent {
  events::PayloadUnion payload;
  std::string stream_type;     // "" = the command's stream
  std::string stream_id;
  std::string effective_date;  // "" = the command's date
};

using Decision = Result<std::vector<NewEvent>>;

// A rejection about one line of a document: "line 2: ...".
inline Status AtLine(size_t line, const Status& s) {
  return s.Within("line " + std::to_string(line));
}

// The decision of a command that appends one event.
inline std::vector<NewEvent> One(NewEvent e) {
  std::vector<NewEvent> v;
  v.push_back(std::move(e));
  return v;
}

template <class T>
NewEvent Emit(T&& table) {
  NewEvent e;
  e.payload.Set(std::forward<T>(table));
  return e;
}

// `e` appended to stream `type`/`id` instead of the command's.
inline NewEvent ToStream(NewEvent e, std::string type, std::string id) {
  e.stream_type = std::move(type);
  e.stream_id = std::move(id);
  return e;
}
// `e` appended to the S stream `id`.
template <Streamed S>
NewEvent ToStream(NewEvent e, std::string id) {
  return ToStream(std::move(e), std::string(S::kStream.type), std::move(id));
}

// Moves the events of `more` to the end of `out`.
inline void Append(std::vector<NewEvent>* out, std::vector<NewEvent>&& more) {
  for (auto& e : more) out->push_back(std::move(e));
}

// What decide may know besides its own state: other aggregates' committed
// (or same-batch) state, the command's time and actor. Read-only.
class DecideContext {
 public:
  virtual ~DecideContext() = default;
  // The state of another stream, or nullptr if it has no event.
  virtual const AggregateState* Find(std::string_view type, std::string_view id) = 0;
  virtual int64_t now_us() const = 0;
  virtual const Actor& actor() const = 0;
  // The id of the command's stream (for numbered documents, the number just
  // assigned).
  virtual const std::string& stream_id() const = 0;
  // The number of a new document of a numbered stream type (e.g. the orders
  // a request is converted into). Numbers stay gap-free: one that no event
  // of the command uses is given to the next command.
  virtual Result<std::string> NewDocumentId(std::string_view type) = 0;

  template <class S>
  const S* Get(std::string_view type, std::string_view id) {
    const AggregateState* st = Find(type, id);
    return st ? StateCast<S>(st) : nullptr;
  }
  // The state of the S stream `id`, or nullptr.
  template <Streamed S>
  const S* Get(std::string_view id) {
    return Get<S>(S::kStream.type, id);
  }
  // The number of a new S document (S has a series).
  template <Streamed S>
  Result<std::string> NewDocumentId() {
    return NewDocumentId(S::kStream.type);
  }
  std::string today() const;
};

enum class Expect {
  kAny,       // the decide function checks existence itself
  kNew,       // the stream must not exist yet: `duplicate` otherwise
  kExisting,  // the stream must exist: `not_found` otherwise
};

struct Command {
  std::string stream_type;
  // Target stream. Empty with a stream type that has a series: a new
  // document whose number the engine assigns.
  std::string stream_id;
  Expect expect = Expect::kAny;
  std::optional<uint64_t> expected_version;  // If-Match
  Actor actor;
  std::string idempotency_key;
  std::string request_hash;  // digest of the request carrying the key
  std::string correlation_id;
  std::string causation_id;
  std::function<Decision(const AggregateState* target, DecideContext& ctx)> decide;
};

struct CommandOutcome {
  Status status;
  std::string stream_type;
  std::string stream_id;
  uint64_t version = 0;       // the stream's version after the command
  bool created = false;       // the command created the stream
  bool replayed = false;      // answered from an earlier command with the same key
  std::string state_label;    // the aggregate's status after the command
};

}  // namespace ledger
