// Binary snapshot encoding of aggregate states.
//
// A state type lists its fields once:
//   template <class A, class Self> void Fields(A& a, Self& s) { a(s.x, s.y, s.lines); }
// and SnapshotWriter / SnapshotReader walk that list. Integers are varints,
// strings and containers are length-prefixed, nested structs recurse through
// their own Fields. The reader checks every length against the bytes left and
// fails (never crashes) on anything that does not decode, which is how a
// snapshot of an older shape is detected and rebuilt from the log.
#pragma once

#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "engine/decimal.h"

namespace ledger {

class SnapshotWriter {
 public:
  template <class... T>
  void operator()(const T&... fields) {
    (Put(fields), ...);
  }
  std::string& bytes() { return out_; }

 private:
  void Varint(uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>(v | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  void Put(bool v) { out_.push_back(v ? 1 : 0); }
  template <class T>
    requires std::is_integral_v<T> || std::is_enum_v<T>
  void Put(T v) {
    if constexpr (std::is_signed_v<T>) {
      int64_t s = static_cast<int64_t>(v);
      Varint((static_cast<uint64_t>(s) << 1) ^ static_cast<uint64_t>(s >> 63));  // zigzag
    } else {
      Varint(static_cast<uint64_t>(v));
    }
  }
  void Put(const std::string& s) {
    Varint(s.size());
    out_.append(s);
  }
  void Put(const Decimal& d) {
    int128 u = d.units();
    char raw[16];
    std::memcpy(raw, &u, 16);
    out_.append(raw, 16);
  }
  template <class T>
  void Put(const std::vector<T>& v) {
    Varint(v.size());
    for (const auto& e : v) Put(e);
  }
  template <class K, class V>
  void Put(const std::map<K, V>& m) {
    Varint(m.size());
    for (const auto& [k, v] : m) {
      Put(k);
      Put(v);
    }
  }
  template <class T>
    requires std::is_class_v<T>
  void Put(const T& s) {
    Fields(*this, s);
  }

  std::string out_;
};

class SnapshotReader {
 public:
  explicit SnapshotReader(std::string_view in) : in_(in) {}

  template <class... T>
  void operator()(T&... fields) {
    (Get(fields), ...);
  }
  // True if every field decoded and every byte was consumed.
  bool ok() const { return ok_ && pos_ == in_.size(); }

 private:
  static constexpr uint64_t kCountMax = 1'000'000;

  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= in_.size()) return Fail();
      uint8_t b = static_cast<uint8_t>(in_[pos_++]);
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    return Fail();
  }
  uint64_t Fail() {
    ok_ = false;
    pos_ = in_.size();
    return 0;
  }
  void Get(bool& v) {
    if (pos_ >= in_.size()) {
      Fail();
      return;
    }
    v = in_[pos_++] != 0;
  }
  template <class T>
    requires std::is_integral_v<T> || std::is_enum_v<T>
  void Get(T& v) {
    uint64_t raw = Varint();
    if constexpr (std::is_signed_v<T>) {
      v = static_cast<T>(static_cast<int64_t>((raw >> 1) ^ (~(raw & 1) + 1)));
    } else {
      v = static_cast<T>(raw);
    }
  }
  void Get(std::string& s) {
    uint64_t n = Varint();
    if (n > in_.size() - pos_) {
      Fail();
      return;
    }
    s.assign(in_.data() + pos_, n);
    pos_ += n;
  }
  void Get(Decimal& d) {
    if (in_.size() - pos_ < 16) {
      Fail();
      return;
    }
    int128 u;
    std::memcpy(&u, in_.data() + pos_, 16);
    pos_ += 16;
    d = Decimal::FromUnits(u);
  }
  template <class T>
  void Get(std::vector<T>& v) {
    uint64_t n = Varint();
    if (n > kCountMax || n > in_.size() - pos_) {
      Fail();
      return;
    }
    v.clear();
    v.resize(n);
    for (auto& e : v) Get(e);
  }
  template <class K, class V>
  void Get(std::map<K, V>& m) {
    uint64_t n = Varint();
    if (n > kCountMax || n > in_.size() - pos_) {
      Fail();
      return;
    }
    m.clear();
    for (uint64_t i = 0; i < n && ok_; ++i) {
      K k;
      Get(k);
      Get(m[k]);
    }
  }
  template <class T>
    requires std::is_class_v<T>
  void Get(T& s) {
    Fields(*this, s);
  }

  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace ledger
