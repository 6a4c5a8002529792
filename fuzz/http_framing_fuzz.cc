// Fuzzes the front door's framing: the request head scanner and the chunked
// body decoder, as bytes arrive from a client in any pieces.
//
// Input: the bytes a client sends. They are fed whole, byte by byte, and in
// pieces cut where a generator seeded from the input says, to a scanner; a
// head found to announce a chunked body has the rest fed to a decoder the
// same ways. The input is also decoded as a chunked body on its own, so that
// the decoder sees more than what follows a valid head. Each runs with tight
// limits (to reach every limit) and with the defaults.
// Properties: nothing crashes; the verdict (complete with the same head and
// body, or the same error status, or incomplete) is the same whatever the
// pieces; a verdict never needs bytes beyond those given.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_framing.h"

namespace {

using ledger::api::ChunkedDecoder;
using ledger::api::FramingError;
using ledger::api::FramingLimits;
using ledger::api::RequestHead;
using ledger::api::RequestHeadScanner;
using ledger::api::Scan;

// Where a stream is cut: after every byte, nowhere, or at random places.
enum class Cuts { kWhole, kEachByte, kRandom };

std::vector<size_t> PieceEnds(size_t size, Cuts cuts, uint32_t seed) {
  std::vector<size_t> ends;
  switch (cuts) {
    case Cuts::kWhole:
      break;
    case Cuts::kEachByte:
      for (size_t i = 1; i < size; ++i) ends.push_back(i);
      break;
    case Cuts::kRandom: {
      std::minstd_rand rng(seed);
      for (size_t at = 0;;) {
        at += 1 + rng() % 16;
        if (at >= size) break;
        ends.push_back(at);
      }
      break;
    }
  }
  ends.push_back(size);
  return ends;
}

struct Verdict {
  Scan scan = Scan::kIncomplete;
  int http_status = 0;
  std::string detail;  // the head or the body, when complete
  size_t used = 0;     // bytes of the input a complete verdict stands on
  bool operator==(const Verdict&) const = default;
};

std::string Describe(const RequestHead& h) {
  return h.method + " " + h.target + (h.http10 ? " 1.0" : " 1.1") +
         (h.keep_alive ? " keep-alive" : " close") + (h.expect_continue ? " expect" : "") +
         " body=" + std::to_string(static_cast<int>(h.body)) + " length=" +
         std::to_string(h.content_length) + " line_start=" + std::to_string(h.line_start);
}

Verdict ScanHead(std::string_view input, const FramingLimits& limits, Cuts cuts, uint32_t seed,
                 RequestHead* head) {
  RequestHeadScanner scanner(limits);
  Verdict v;
  // One head for all calls, as the front door keeps it: the request line
  // is stored in it as soon as it is seen.
  *head = RequestHead{};
  for (size_t end : PieceEnds(input.size(), cuts, seed)) {
    FramingError error;
    v.scan = scanner.Feed(input.substr(0, end), head, &error);
    if (v.scan == Scan::kError) {
      v.http_status = error.http_status;
      if (error.message.empty()) std::abort();
      return v;
    }
    if (v.scan == Scan::kComplete) {
      if (head->head_bytes > end || head->line_start >= head->head_bytes) std::abort();
      v.detail = Describe(*head);
      v.used = head->head_bytes;
      return v;
    }
  }
  return v;
}

Verdict DecodeChunked(std::string_view input, const FramingLimits& limits, Cuts cuts,
                      uint32_t seed) {
  ChunkedDecoder decoder(limits);
  Verdict v;
  size_t consumed = 0;
  std::string body;
  for (size_t end : PieceEnds(input.size(), cuts, seed)) {
    FramingError error;
    v.scan = decoder.Feed(input.substr(0, end), &consumed, &body, &error);
    if (consumed > end) std::abort();
    if (body.size() > limits.body_bytes_max) std::abort();
    if (v.scan == Scan::kError) {
      v.http_status = error.http_status;
      return v;
    }
    if (v.scan == Scan::kComplete) {
      v.detail = body;
      v.used = consumed;
      return v;
    }
  }
  return v;
}

void Check(const Verdict& whole, const Verdict& other, const char* what, Cuts cuts) {
  if (whole == other) return;
  std::fprintf(stderr,
               "property violated: %s verdict depends on the pieces (cuts %d)\n"
               "whole: scan %d status %d used %zu %s\npieces: scan %d status %d used %zu %s\n",
               what, static_cast<int>(cuts), static_cast<int>(whole.scan), whole.http_status,
               whole.used, whole.detail.c_str(), static_cast<int>(other.scan), other.http_status,
               other.used, other.detail.c_str());
  std::abort();
}

void Run(std::string_view input, const FramingLimits& limits, uint32_t seed) {
  RequestHead head;
  const Verdict whole = ScanHead(input, limits, Cuts::kWhole, seed, &head);
  const RequestHead whole_head = head;
  for (Cuts cuts : {Cuts::kEachByte, Cuts::kRandom}) {
    Check(whole, ScanHead(input, limits, cuts, seed, &head), "head", cuts);
  }
  std::string_view body_bytes = input;
  if (whole.scan == Scan::kComplete && whole_head.body == ledger::api::BodyFraming::kChunked) {
    body_bytes = input.substr(whole_head.head_bytes);
  }
  const Verdict decoded = DecodeChunked(body_bytes, limits, Cuts::kWhole, seed);
  for (Cuts cuts : {Cuts::kEachByte, Cuts::kRandom}) {
    Check(decoded, DecodeChunked(body_bytes, limits, cuts, seed), "chunked body", cuts);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Byte-by-byte feeding is quadratic: keep inputs to what exercises limits.
  if (size > 4096) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  uint32_t seed = static_cast<uint32_t>(size);
  for (unsigned char c : input) seed = seed * 31 + c;

  FramingLimits tight;
  tight.header_bytes_max = 256;
  tight.header_line_bytes_max = 64;
  tight.headers_max = 4;
  tight.body_bytes_max = 128;
  Run(input, tight, seed);
  Run(input, FramingLimits{}, seed);
  return 0;
}
