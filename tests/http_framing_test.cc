// HTTP/1.1 framing as pure functions: a table of heads and what becomes of
// them, each fed whole and byte by byte (the two must agree), and chunked
// bodies split at every byte.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "api/http_framing.h"

namespace ledger::api {
namespace {

FramingLimits SmallLimits() {
  FramingLimits l;
  l.header_bytes_max = 1024;
  l.header_line_bytes_max = 256;
  l.headers_max = 8;
  l.body_bytes_max = 100;
  return l;
}

struct Outcome {
  Scan scan = Scan::kIncomplete;
  RequestHead head;
  FramingError error;
  size_t fed_bytes = 0;  // how much of the input had arrived when it was decided
};

Outcome Whole(const std::string& input) {
  Outcome o;
  RequestHeadScanner scanner(SmallLimits());
  o.scan = scanner.Feed(input, &o.head, &o.error);
  o.fed_bytes = input.size();
  return o;
}

Outcome ByteByByte(const std::string& input) {
  Outcome o;
  RequestHeadScanner scanner(SmallLimits());
  for (size_t n = 1; n <= input.size(); ++n) {
    o.scan = scanner.Feed(std::string_view(input).substr(0, n), &o.head, &o.error);
    o.fed_bytes = n;
    if (o.scan != Scan::kIncomplete) break;
  }
  return o;
}

struct HeadCase {
  const char* name;
  std::string input;
  int status;  // 0: a complete head
};

const std::string kGet = "GET /v1/suppliers/ACME HTTP/1.1\r\nHost: x\r\n";

std::vector<HeadCase> HeadCases() {
  std::string nine_fields;
  for (int i = 0; i < 9; ++i) nine_fields += "X-" + std::to_string(i) + ": v\r\n";
  return {
      {"a plain GET", kGet + "\r\n", 0},
      {"empty lines before the request line", "\r\n\r\n" + kGet + "\r\n", 0},
      {"a POST with a length", "POST /x HTTP/1.1\r\nContent-Length: 5\r\n\r\n", 0},
      {"a chunked POST", "POST /x HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n", 0},
      {"a POST with neither length nor chunks", "POST /x HTTP/1.1\r\nHost: x\r\n\r\n", 400},
      {"binary junk", std::string("\x16\x03\x01\x02\x00", 5), 400},
      {"a request line without a version", "GET /x\r\n\r\n", 400},
      {"two spaces", "GET  /x HTTP/1.1\r\n\r\n", 400},
      {"a target without a slash", "GET x HTTP/1.1\r\n\r\n", 400},
      {"an absolute target", "GET http://h/x HTTP/1.1\r\n\r\n", 400},
      {"HTTP/2.0", "GET /x HTTP/2.0\r\n\r\n", 505},
      {"a bare LF", "GET /x HTTP/1.1\nHost: x\n\n", 400},
      {"a header without a colon", kGet + "Nonsense\r\n\r\n", 400},
      {"a space before the colon", kGet + "Host : x\r\n\r\n", 400},
      {"a folded header", kGet + "X-A: 1\r\n  more\r\n\r\n", 400},
      {"a control character in a value", kGet + "X-A: a\x01" + "b\r\n\r\n", 400},
      {"two lengths", "POST /x HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", 400},
      {"two equal lengths", "POST /x HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", 400},
      {"a signed length", "POST /x HTTP/1.1\r\nContent-Length: +5\r\n\r\n", 400},
      {"a length with letters", "POST /x HTTP/1.1\r\nContent-Length: 5a\r\n\r\n", 400},
      {"a length and chunks", "POST /x HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
      {"gzip then chunked", "POST /x HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501},
      {"chunks in HTTP/1.0", "POST /x HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
      {"a length over the body limit", "POST /x HTTP/1.1\r\nContent-Length: 101\r\n\r\n", 413},
      {"an unknown expectation", kGet + "Expect: magic\r\n\r\n", 417},
      {"nine fields over eight", "GET /x HTTP/1.1\r\n" + nine_fields + "\r\n", 431},
      {"a header line over 256 bytes", kGet + "X-Long: " + std::string(300, 'a') + "\r\n\r\n", 431},
      {"a request line over 256 bytes", "GET /" + std::string(300, 'a') + " HTTP/1.1\r\n\r\n", 414},
      {"a head over 1024 bytes", kGet + [] {
         std::string s;
         for (int i = 0; i < 5; ++i) s += "X-" + std::to_string(i) + ": " + std::string(200, 'b') + "\r\n";
         return s;
       }() + "\r\n", 431},
  };
}

TEST(HttpFramingTest, HeadsWholeAndByteByByteAgree) {
  for (const auto& c : HeadCases()) {
    for (bool bytewise : {false, true}) {
      Outcome o = bytewise ? ByteByByte(c.input) : Whole(c.input);
      const std::string where = std::string(c.name) + (bytewise ? " (byte by byte)" : " (whole)");
      if (c.status == 0) {
        EXPECT_EQ(o.scan, Scan::kComplete) << where << ": " << o.error.message;
        EXPECT_EQ(o.head.head_bytes, c.input.size()) << where;
      } else {
        EXPECT_EQ(o.scan, Scan::kError) << where;
        EXPECT_EQ(o.error.http_status, c.status) << where << ": " << o.error.message;
        EXPECT_FALSE(o.error.message.empty()) << where;
      }
    }
  }
}

TEST(HttpFramingTest, WhatAHeadSays) {
  Outcome o = Whole("\r\nPOST /v1/x?y=1 HTTP/1.1\r\nconnection: Close\r\ncontent-length: 7\r\n"
                    "Expect: 100-Continue\r\n\r\nabcdefg");
  ASSERT_EQ(o.scan, Scan::kComplete) << o.error.message;
  EXPECT_EQ(o.head.line_start, 2u);
  EXPECT_EQ(o.head.method, "POST");
  EXPECT_EQ(o.head.target, "/v1/x?y=1");
  EXPECT_FALSE(o.head.keep_alive);
  EXPECT_TRUE(o.head.expect_continue);
  EXPECT_EQ(o.head.body, BodyFraming::kLength);
  EXPECT_EQ(o.head.content_length, 7u);

  // HTTP/1.0 connections close after one answer, whatever they ask; an
  // Expect there is ignored.
  o = Whole("GET /x HTTP/1.0\r\nConnection: keep-alive\r\nExpect: 100-continue\r\n\r\n");
  ASSERT_EQ(o.scan, Scan::kComplete);
  EXPECT_TRUE(o.head.http10);
  EXPECT_FALSE(o.head.keep_alive);
  EXPECT_FALSE(o.head.expect_continue);
  o = Whole("GET /x HTTP/1.0\r\n\r\n");
  EXPECT_FALSE(o.head.keep_alive);
  o = Whole("GET /x HTTP/1.1\r\n\r\n");
  EXPECT_TRUE(o.head.keep_alive);
  EXPECT_EQ(o.head.body, BodyFraming::kNone);
}

TEST(HttpFramingTest, JunkAndOversizedHeadsAreRefusedBeforeTheyEnd) {
  // A TLS handshake is refused at its first byte, not after a timeout.
  Outcome o = ByteByByte(std::string("\x16\x03\x01 and more, never a line end"));
  EXPECT_EQ(o.scan, Scan::kError);
  EXPECT_EQ(o.fed_bytes, 1u);
  // A head that never ends is refused once it passes the limit.
  o = ByteByByte(kGet + std::string(2000, 'x'));
  EXPECT_EQ(o.scan, Scan::kError);
  EXPECT_EQ(o.error.http_status, 431);
  EXPECT_LE(o.fed_bytes, 1024u + kGet.size());
}

// Found by fuzz_http_framing: a line over its limit whose end (a bare LF,
// a junk byte) is a fault of its own got that fault's 400 when it came
// whole, but 414 when it came in pieces; the limits now come first.
TEST(HttpFramingTest, LimitsComeFirstHoweverTheBytesArrive) {
  const std::string long_line = "GET /" + std::string(300, 'a') + " HTTP/1.1\n\n";
  const std::string cr_flood = std::string(300, '\r') + "\x01";
  const std::string exact_line = "GET /" + std::string(256 - 14, 'a') + " HTTP/1.1\r\n\r\n";
  ASSERT_EQ(exact_line.find('\r'), 256u);  // 256 bytes, then CR: 257 before the LF
  for (const std::string& input : {long_line, cr_flood, exact_line}) {
    const Outcome whole = Whole(input), bytes = ByteByByte(input);
    EXPECT_EQ(whole.scan, Scan::kError);
    EXPECT_EQ(whole.error.http_status, 414);
    EXPECT_EQ(bytes.scan, Scan::kError);
    EXPECT_EQ(bytes.error.http_status, 414);
  }
}

Scan Decode(const std::vector<std::string>& pieces, std::string* body, FramingError* error,
            size_t* consumed_out = nullptr) {
  ChunkedDecoder decoder(SmallLimits());
  std::string input;
  size_t consumed = 0;
  Scan s = Scan::kIncomplete;
  for (const auto& p : pieces) {
    input += p;
    s = decoder.Feed(input, &consumed, body, error);
    if (s != Scan::kIncomplete) break;
  }
  if (consumed_out) *consumed_out = consumed;
  return s;
}

TEST(HttpFramingTest, ChunkedBodiesSplitAnywhere) {
  const std::string wire = "4;ext=1\r\nWiki\r\n5\r\npedia\r\nB\r\n in\r\nchunks\r\n0\r\nTrailer: t\r\n\r\nNEXT";
  const std::string expected = "Wikipedia in\r\nchunks";
  for (size_t step = 1; step <= wire.size(); ++step) {
    std::vector<std::string> pieces;
    for (size_t at = 0; at < wire.size(); at += step) pieces.push_back(wire.substr(at, step));
    std::string body;
    FramingError error;
    size_t consumed = 0;
    ASSERT_EQ(Decode(pieces, &body, &error, &consumed), Scan::kComplete)
        << "pieces of " << step << ": " << error.message;
    EXPECT_EQ(body, expected) << step;
    // What follows the body (a pipelined request) is left alone.
    EXPECT_EQ(wire.substr(consumed), "NEXT") << step;
  }
}

TEST(HttpFramingTest, ChunkedBodiesAreBounded) {
  std::string body;
  FramingError error;
  // 60 + 41 bytes: over the 100-byte limit at the second chunk's size line,
  // before its data is read.
  EXPECT_EQ(Decode({"3c\r\n" + std::string(60, 'a') + "\r\n29\r\n"}, &body, &error), Scan::kError);
  EXPECT_EQ(error.http_status, 413);
  EXPECT_EQ(body.size(), 60u);
  body.clear();
  EXPECT_EQ(Decode({"ffffffffffffffffff\r\n"}, &body, &error), Scan::kError);
  EXPECT_EQ(error.http_status, 413);
  for (const std::string bad : {"x\r\n", "\r\n", "4\r\nWikiXX", "4\nWiki\r\n", "-1\r\n"}) {
    body.clear();
    error = {};
    EXPECT_EQ(Decode({bad}, &body, &error), Scan::kError) << bad;
    EXPECT_EQ(error.http_status, 400) << bad;
  }
  body.clear();
  EXPECT_EQ(Decode({"1;" + std::string(300, 'e')}, &body, &error), Scan::kError);
}

// Found by fuzz_http_framing: a chunk-size or trailer line over the line
// limit was refused when it came in pieces but accepted when it came whole.
TEST(HttpFramingTest, LongChunkLinesAreRefusedHoweverTheyArrive) {
  const std::string long_size = "1;" + std::string(300, 'e') + "\r\nx\r\n0\r\n\r\n";
  const std::string long_trailer = "1\r\nx\r\n0\r\nX-T: " + std::string(300, 't') + "\r\n\r\n";
  for (const std::string& wire : {long_size, long_trailer}) {
    std::vector<std::string> bytes;
    for (char c : wire) bytes.emplace_back(1, c);
    for (const auto& pieces : {std::vector<std::string>{wire}, bytes}) {
      std::string body;
      FramingError error;
      EXPECT_EQ(Decode(pieces, &body, &error), Scan::kError) << pieces.size() << " pieces";
      EXPECT_EQ(error.http_status, 400) << pieces.size() << " pieces";
    }
  }
}

TEST(HttpFramingTest, ErrorResponsesAreCompleteJson) {
  std::string r = ErrorResponse({413, "payload_too_large", "the body is \"large\""});
  EXPECT_EQ(r.rfind("HTTP/1.1 413 Payload Too Large\r\n", 0), 0u);
  EXPECT_NE(r.find("Connection: close\r\n"), std::string::npos);
  const std::string body = r.substr(r.find("\r\n\r\n") + 4);
  EXPECT_NE(r.find("Content-Length: " + std::to_string(body.size()) + "\r\n"), std::string::npos);
  EXPECT_EQ(body,
            R"({"error":{"code":"payload_too_large","details":{},"message":"the body is \"large\""}})");
}

}  // namespace
}  // namespace ledger::api
