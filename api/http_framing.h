// HTTP/1.1 message framing (RFC 9112) for the front door: where a request's
// head ends, whether it is acceptable, and where its body ends.
//
// Operation: pure functions over bytes received so far; nothing here reads a
//   socket. The front door calls ScanRequestHead each time bytes arrive until
//   it answers kComplete or kError, then reads the body as the head says:
//   a Content-Length, or chunks through a ChunkedDecoder.
// Why here and not in cpp-httplib: the framing decides what a connection
//   costs the server (how long a head may take, how many bytes a body may
//   have, where the next pipelined request starts), so it must be strict and
//   answer at once. cpp-httplib then parses the accepted head into its
//   Request and writes the Response.
// Limits: every length is bounded by FramingLimits; an error names the HTTP
//   status to answer with and says why in words a client can act on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ledger::api {

struct FramingLimits {
  // The head, from the connection's first byte after the previous request
  // (empty lines before a request line count) to its blank line; 431
  // beyond. Default: 16 KiB.
  size_t header_bytes_max = 16 << 10;
  // One line of the head or of chunk framing; 414 beyond for a request
  // line, 431 (400 in chunk framing) for the others. Default: 8 KiB.
  size_t header_line_bytes_max = 8 << 10;
  // Header fields; 431 beyond. Default: 100.
  size_t headers_max = 100;
  // A body, declared or chunked; 413 beyond. Default: 1 MiB.
  size_t body_bytes_max = 1 << 20;
};

// Why a request cannot be served: the status to answer, the error code of
// the JSON body (SPEC §2) and a message.
struct FramingError {
  int http_status = 0;
  std::string code;
  std::string message;
};

enum class BodyFraming { kNone, kLength, kChunked };

// What the front door needs to know of an accepted head.
struct RequestHead {
  size_t head_bytes = 0;   // bytes of the head, from the buffer's start to the blank line's end
  size_t line_start = 0;   // where the request line starts (empty lines before it are skipped)
  std::string method;
  std::string target;
  bool http10 = false;
  bool keep_alive = true;          // HTTP/1.1 unless "Connection: close"; never HTTP/1.0
  bool expect_continue = false;    // "Expect: 100-continue" (HTTP/1.1 only)
  BodyFraming body = BodyFraming::kNone;
  uint64_t content_length = 0;     // with kLength
};

enum class Scan { kIncomplete, kComplete, kError };

// Finds and checks the head of one request as its bytes arrive.
class RequestHeadScanner {
 public:
  explicit RequestHeadScanner(const FramingLimits& limits) : limits_(limits) {}

  // Looks for a complete, acceptable request head at the start of `buffer`,
  // which holds every byte of this request received so far (it only grows
  // between calls). Each call scans only the bytes it has not seen, so a
  // head that arrives byte by byte costs linear time.
  // Returns kComplete with `head` filled, kError with `error` filled (the
  // connection must be answered and closed), or kIncomplete if more bytes
  // are needed and no limit is exceeded yet. A malformed request line is
  // refused as soon as its first wrong byte is seen.
  Scan Feed(std::string_view buffer, RequestHead* head, FramingError* error);
  // Starts over for the next request.
  void Reset() { *this = RequestHeadScanner(limits_); }

 private:
  Scan Fail(FramingError* error, int status, std::string message);
  // Whether `received` bytes, none of them the end of the line being
  // scanned, pass a limit; fills `error` if so. A line's limit counts its
  // bytes before the LF, CR included.
  bool OverLimits(size_t received, FramingError* error);
  Scan RequestLine(std::string_view line, RequestHead* head, FramingError* error);
  Scan HeaderLine(std::string_view line, RequestHead* head, FramingError* error);
  Scan Finish(RequestHead* head, FramingError* error);

  FramingLimits limits_;
  size_t start_ = 0;       // first byte of the request line (after empty lines)
  size_t line_start_ = 0;  // first byte of the line being scanned
  size_t scanned_ = 0;     // bytes looked at
  size_t lines_ = 0;       // complete lines of the head so far
  bool method_done_ = false;  // the request line's first space was seen
  // Framing headers seen so far.
  size_t content_lengths_ = 0;
  size_t transfer_encodings_ = 0;
  bool chunked_ = false;
  bool connection_close_ = false;
};

// Decodes a chunked body (RFC 9112 §7.1) as its bytes arrive. Chunk
// extensions are ignored, trailer fields read and dropped.
class ChunkedDecoder {
 public:
  explicit ChunkedDecoder(const FramingLimits& limits) : limits_(limits) {}

  // Decodes from `input` at `*consumed`, advancing it over what was decoded
  // and appending chunk data to `body`. Returns kComplete once the last
  // chunk and the trailer are in, kError (e.g. 413 once `body` would pass
  // body_bytes_max, 400 for a malformed chunk), or kIncomplete.
  Scan Feed(std::string_view input, size_t* consumed, std::string* body, FramingError* error);

 private:
  enum class State { kSize, kData, kDataEnd, kTrailer, kDone };
  FramingLimits limits_;
  State state_ = State::kSize;
  uint64_t chunk_remaining_ = 0;
  size_t trailer_bytes_ = 0;
};

// The reason phrase of an HTTP status ("Created" for 201).
const char* ReasonPhrase(int status);

// A complete JSON error answer, `Connection: close`, for errors found before
// a request reaches its route: {"error":{"code","message","details":{}}}.
std::string ErrorResponse(const FramingError& error);

}  // namespace ledger::api
