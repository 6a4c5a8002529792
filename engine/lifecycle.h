// Lifecycles: an aggregate's status as an `enum class`, and the table of the
// steps that move it, read by both `decide` and `evolve`.
//
// An aggregate declares, next to its state (engine/purchasing/purchase_order.h):
//
//   enum class PoStatus : uint8_t { kDraft, kRfqSent, kConfirmed, ... };
//   // The labels the API shows, in the enum's order.
//   inline constexpr StatusLabels<PoStatus, 7> kPoStatusLabels = {
//       {"draft", "rfq_sent", "confirmed", ...}};
//   constexpr std::string_view Label(PoStatus s) { return kPoStatusLabels[s]; }
//
//   // Its steps: where each may start, where it may lead, and what a refusal
//   // says ("{}" stands for the current status).
//   inline constexpr Transition<PoStatus> kPoConfirm = {
//       .from = {PoStatus::kDraft, PoStatus::kRfqSent},
//       .to = {PoStatus::kConfirmed},
//       .refusal = "only a draft or rfq_sent order can be confirmed; it is {}"};
//
// and uses each step twice:
//
//   decide:  LEDGER_RETURN_IF_ERROR(CheckTransition(kPoConfirm, po.status));
//   evolve:  po.status = Enter(kPoConfirm, po.status, PoStatus::kConfirmed);
//
// A step is a command (or the events it appends), not a pair of statuses:
// two commands may lead to the same status from different ones and refuse
// with different messages, and some steps choose their status from the
// state (an order's receipts make it partially_received, received or done),
// so `to` is a set. A step that only requires a status (editing a draft's
// lines) has `to` equal to `from`.
//
// `decide` refuses a step from a status outside `from` with invalid_state;
// `evolve` asserts it (an event the log holds was decided by the same table,
// so a violation is a bug, not input). Everything is constexpr bit tests: no
// allocation, except for the message of a refusal.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>

#include "events/status.h"

namespace ledger {

// A status enum E whose labels are declared: `std::string_view Label(E)`,
// found next to E.
template <class E>
concept LifecycleStatus = std::is_enum_v<E> && requires(E s) {
  { Label(s) } -> std::convertible_to<std::string_view>;
};

// The labels of the statuses of E, in the order of E's values (0, 1, ...).
template <class E, size_t N>
  requires std::is_enum_v<E>
struct StatusLabels {
  std::array<std::string_view, N> labels;

  // Whether `s` is one of E's N values (a decoded snapshot may hold others).
  constexpr bool Known(E s) const { return static_cast<size_t>(s) < N; }
  constexpr std::string_view operator[](E s) const {
    return Known(s) ? labels[static_cast<size_t>(s)] : std::string_view("unknown");
  }
  // The status labelled `label`, or nullopt (e.g. a label read from an event).
  constexpr std::optional<E> Parse(std::string_view label) const {
    for (size_t i = 0; i < N; ++i) {
      if (labels[i] == label) return static_cast<E>(i);
    }
    return std::nullopt;
  }
};

// A set of statuses of E (at most 32), as bits.
template <class E>
  requires std::is_enum_v<E>
class StatusSet {
 public:
  constexpr StatusSet() = default;
  constexpr StatusSet(std::initializer_list<E> statuses) {
    for (E s : statuses) bits_ |= Bit(s);
  }
  constexpr bool contains(E s) const { return (bits_ & Bit(s)) != 0; }

 private:
  static constexpr uint32_t Bit(E s) {
    return static_cast<size_t>(s) < 32 ? uint32_t{1} << static_cast<size_t>(s) : 0;
  }
  uint32_t bits_ = 0;
};

// One step of a lifecycle (see the top of this file).
template <class E>
struct Transition {
  StatusSet<E> from;    // the statuses the step may start from
  StatusSet<E> to;      // the statuses it may lead to
  std::string_view refusal;  // the invalid_state message; "{}" = the current status
};

// For decide: ok if the step may start from `from`, else invalid_state with
// the step's refusal.
template <LifecycleStatus E>
Status CheckTransition(const Transition<E>& step, E from) {
  if (step.from.contains(from)) return Status::Ok();
  std::string message(step.refusal);
  if (size_t at = message.find("{}"); at != std::string::npos) {
    message.replace(at, 2, Label(from));
  }
  return Status::InvalidState(std::move(message));
}

// For evolve: `to`, after asserting that the step may lead from `from` to
// `to`. A violation is a bug (the event was decided against the same table):
// it stops the process, as LEDGER_ASSERT does, naming both statuses.
template <LifecycleStatus E>
E Enter(const Transition<E>& step, E from, E to) {
  if (!step.from.contains(from) || !step.to.contains(to)) {
    const std::string_view a = Label(from), b = Label(to);
    std::fprintf(stderr, "assertion failed: illegal transition from %.*s to %.*s\n",
                 static_cast<int>(a.size()), a.data(), static_cast<int>(b.size()), b.data());
    std::abort();
  }
  return to;
}

}  // namespace ledger

// Every aggregate lives in ledger::domain, the only namespace where
// argument-dependent lookup finds operators on its status enums.
namespace ledger::domain {

// A status equals its label: for tests and logs that read statuses as the
// API shows them. The domain compares enums.
template <LifecycleStatus E>
bool operator==(E s, std::string_view label) {
  return Label(s) == label;
}

template <LifecycleStatus E>
std::ostream& operator<<(std::ostream& os, E s) {
  return os << Label(s);
}

}  // namespace ledger::domain
