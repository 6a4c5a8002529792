// The front door reading bytes into requests, as a client and an attacker
// send them over loopback: bodies framed by length or by chunks, requests
// pipelined on one connection, HTTP/1.0 and Expect: 100-continue, framing a
// server could read two ways, and what is not a request at all.
#include <fmt/format.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "tests/http_front_fixture.h"

namespace ledger::testing {
namespace {

// Chunked bodies: extensions and trailers are read past, not refused.

TEST_F(HttpFrontTest, ChunkedBodyWithAnExtensionAndATrailerCreatesTheOrder) {
  const uint64_t before = LogSize();
  const size_t third = kOrder.size() / 3;
  const std::string request =
      PostHead("/v1/purchase-orders", "Transfer-Encoding: chunked\r\n") +
      Chunk(std::string_view(kOrder).substr(0, third)) +
      Chunk(std::string_view(kOrder).substr(third, third), ";x=y") +
      Chunk(std::string_view(kOrder).substr(2 * third)) + "0\r\nX-Checksum: none\r\n\r\n";
  RawConnection conn(port_, In(kPatientMs));
  ASSERT_TRUE(conn.Send(request, In(kPatientMs)));
  auto created = conn.Read(In(kPatientMs));
  ASSERT_EQ(created.status, 201) << created.Describe();
  EXPECT_GT(LogSize(), before);
  // The trailer ended that request: the connection serves the next one.
  const std::string id = created.string_field("id");
  ASSERT_TRUE(conn.Send(GetRequest("/v1/purchase-orders/" + id), In(kPatientMs)));
  auto read = conn.Read(In(kPatientMs));
  EXPECT_EQ(read.status, 200) << read.Describe();
  EXPECT_EQ(read.string_field("supplier"), "ACME") << read.Describe();
  ExpectStillServing();
}

// Pipelining: requests written together are answered in order.

TEST_F(HttpFrontTest, ThreePipelinedGetsAreAnsweredInOrderOnOneConnection) {
  RawConnection conn(port_, In(kPatientMs));
  ASSERT_TRUE(conn.Send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" +
                            GetRequest("/v1/suppliers/ACME") + GetRequest("/healthz"),
                        In(kPatientMs)));
  auto first = conn.Read(In(kPatientMs));
  auto second = conn.Read(In(kPatientMs));
  auto third = conn.Read(In(kPatientMs));
  EXPECT_EQ(first.status, 200) << first.Describe();
  EXPECT_EQ(first.string_field("status"), "ok");
  EXPECT_EQ(second.status, 200) << second.Describe();
  EXPECT_EQ(second.string_field("name"), "Acme") << "answers out of order: " << second.Describe();
  EXPECT_EQ(third.status, 200) << third.Describe();
  EXPECT_EQ(third.string_field("status"), "ok");
  ExpectStillServing();
}

TEST_F(HttpFrontTest, APipelinedGetThenPostAreBothAnsweredAndTheOrderExists) {
  const uint64_t before = LogSize();
  RawConnection conn(port_, In(kPatientMs));
  ASSERT_TRUE(conn.Send(GetRequest("/healthz") + PostRequest("/v1/purchase-orders", kOrder),
                        In(kPatientMs)));
  auto health = conn.Read(In(kPatientMs));
  auto created = conn.Read(In(kPatientMs));
  EXPECT_EQ(health.status, 200) << health.Describe();
  EXPECT_EQ(health.string_field("status"), "ok");
  ASSERT_EQ(created.status, 201) << created.Describe();
  EXPECT_GT(LogSize(), before);
  ASSERT_TRUE(
      conn.Send(GetRequest("/v1/purchase-orders/" + created.string_field("id")), In(kPatientMs)));
  auto read = conn.Read(In(kPatientMs));
  EXPECT_EQ(read.status, 200) << read.Describe();
  EXPECT_EQ(read.string_field("id"), created.string_field("id"));
  ExpectStillServing();
}

TEST_F(HttpFrontTest, NothingPipelinedAfterConnectionCloseIsAnsweredOrExecuted) {
  const uint64_t before = LogSize();
  RawConnection conn(port_, In(kPatientMs));
  ASSERT_TRUE(conn.Send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n" +
                            PostRequest("/v1/purchase-orders", kOrder),
                        In(kPatientMs)));
  auto first = conn.Read(In(kPatientMs));
  EXPECT_EQ(first.status, 200) << first.Describe();
  EXPECT_TRUE(conn.WaitClosed(In(kPatientMs))) << "the connection outlived Connection: close";
  EXPECT_EQ(conn.pending(), "") << "a request after Connection: close was answered";
  EXPECT_EQ(LogSize(), before) << "a request after Connection: close was executed";
  ExpectStillServing();
}

TEST_F(HttpFrontTest, PipelinedCommandsAreExecutedAndAnsweredInOrder) {
  RawConnection conn(port_, In(kPatientMs));
  ASSERT_TRUE(conn.Send(PostRequest("/v1/purchase-orders", kOrder) +
                            PostRequest("/v1/purchase-orders", kOrder) +
                            GetRequest("/v1/purchase-orders/nothing-here"),
                        In(kPatientMs)));
  auto first = conn.Read(In(kPatientMs));
  auto second = conn.Read(In(kPatientMs));
  auto third = conn.Read(In(kPatientMs));
  ASSERT_EQ(first.status, 201) << first.Describe();
  ASSERT_EQ(second.status, 201) << second.Describe();
  EXPECT_EQ(third.status, 404) << third.Describe();
  // Numbers are gap-free and given in the order the commands came.
  const std::string a = first.string_field("id"), b = second.string_field("id");
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(std::stoi(b.substr(b.rfind('-') + 1)), std::stoi(a.substr(a.rfind('-') + 1)) + 1);
}

// Framing a server could read two ways is refused (request smuggling).

TEST_F(HttpFrontTest, ConflictingOrUnknownBodyFramingIsRefusedAndAppendsNothing) {
  const std::string chunked = Chunk(kOrder) + "0\r\n\r\n";
  const size_t n = kOrder.size();
  struct Case {
    std::string name;
    std::string framing;
    std::string body;
    std::set<int> statuses;
    bool closes;
  };
  // Each body is the whole order under one of the readings, so that a
  // lenient server creates it.
  const std::vector<Case> cases = {
      {"two different Content-Length",
       fmt::format("Content-Length: {}\r\nContent-Length: {}\r\n", n, n + 5), kOrder, {400}, true},
      {"Content-Length and chunked",
       fmt::format("Content-Length: {}\r\nTransfer-Encoding: chunked\r\n", chunked.size()),
       chunked, {400}, false},
      {"Content-Length <n>abc", fmt::format("Content-Length: {}abc\r\n", n), kOrder, {400}, false},
      {"Content-Length -1", "Content-Length: -1\r\n", kOrder, {400}, false},
      {"Content-Length +<n>", fmt::format("Content-Length: +{}\r\n", n), kOrder, {400}, false},
      {"Transfer-Encoding gzip, chunked", "Transfer-Encoding: gzip, chunked\r\n", chunked,
       {400, 501}, false},
      {"Transfer-Encoding identity", "Transfer-Encoding: identity\r\n", kOrder, {400, 501}, false},
  };
  for (const auto& c : cases) {
    const uint64_t before = LogSize();
    RawConnection conn(port_, In(kPatientMs));
    conn.Send(PostHead("/v1/purchase-orders", c.framing) + c.body, In(kPatientMs));
    auto r = conn.Read(In(kPatientMs));
    EXPECT_TRUE(c.statuses.count(r.status)) << c.name << ": " << r.Describe();
    EXPECT_TRUE(r.is_json_error()) << c.name << ": " << r.Describe();
    if (c.closes) {
      EXPECT_TRUE(conn.WaitClosed(In(kPatientMs))) << c.name << ": the connection stays open";
    }
    EXPECT_EQ(LogSize(), before) << c.name;
  }
  ExpectStillServing();
}

// A POST must say how long its body is.

TEST_F(HttpFrontTest, APostWithoutContentLengthOrTransferEncodingIsMalformedAtOnce) {
  const uint64_t before = LogSize();
  auto r = Exchange(port_, PostHead("/v1/purchase-orders", ""), kAtOnceMs);
  EXPECT_EQ(r.status, 400) << r.Describe();
  EXPECT_EQ(r.error_code(), "malformed") << r.Describe();
  EXPECT_EQ(LogSize(), before);
  ExpectStillServing();
}

// What is not a request is refused at once, on its own connection.

TEST_F(HttpFrontTest, MalformedRequestLinesAndFieldsGet400AtOnce) {
  struct Case {
    std::string name;
    std::string bytes;
    std::set<int> statuses;
  };
  // With Host, so that a server requiring it cannot refuse for that reason.
  const std::vector<Case> cases = {
      {"no spaces", "GARBAGE\r\n\r\n", {400}},
      {"a method alone", "GET\r\n\r\n", {400}},
      {"HTTP/9.9", "GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n", {400, 505}},
      {"two spaces", "GET  /healthz HTTP/1.1\r\nHost: x\r\n\r\n", {400}},
      {"no leading slash", "GET healthz HTTP/1.1\r\nHost: x\r\n\r\n", {400}},
      {"a 10 KiB request line",
       "GET /healthz?pad=" + std::string(10 << 10, 'p') + " HTTP/1.1\r\nHost: x\r\n\r\n",
       {414, 431}},
      {"bare LF line endings", "GET /healthz HTTP/1.1\nHost: x\n\n", {400}},
      {"a field without a colon", "GET /healthz HTTP/1.1\r\nHost x\r\n\r\n", {400}},
      {"a space before the colon", "GET /healthz HTTP/1.1\r\nHost : x\r\n\r\n", {400}},
  };
  for (const auto& c : cases) {
    auto r = Exchange(port_, c.bytes, kAtOnceMs);
    EXPECT_TRUE(c.statuses.count(r.status)) << c.name << ": " << r.Describe();
    EXPECT_TRUE(r.is_json_error()) << c.name << ": " << r.Describe();
  }
  ExpectStillServing();
}

TEST_F(HttpFrontTest, ATlsClientHelloGets400AndTheConnectionCloses) {
  // The start of a TLS 1.2/1.3 ClientHello (record header, handshake header,
  // version, random, session id): what `curl https://` sends to a plain HTTP
  // port. No CR or LF in it: nothing to wait for.
  const unsigned char hello[] = {
      0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, 0x5b, 0x9e, 0x41, 0x2f,
      0xc7, 0x88, 0x31, 0x6e, 0x02, 0xf4, 0x97, 0x55, 0xab, 0x3c, 0x61, 0x19, 0xe8, 0x7d, 0x26,
      0x44, 0xb0, 0x93, 0x5f, 0x12, 0xc1, 0x6b, 0x38, 0xfa, 0x07, 0x84, 0x21, 0xde, 0x20, 0x8c,
      0x36, 0x91, 0x4e, 0x57, 0xa2, 0x1b, 0xcf, 0x64, 0x09, 0xe1, 0x72, 0x3b, 0x98, 0x45, 0xbd,
      0x16, 0x2c, 0x83, 0x5a, 0xf0, 0x67, 0x0e, 0xc9, 0x34, 0x7b, 0xa6, 0x11, 0xd8, 0x4f, 0x92,
      0x00, 0x3e, 0x13, 0x02, 0x13, 0x03, 0x13, 0x01, 0xc0, 0x2c, 0xc0, 0x30, 0x00, 0x9f};
  RawConnection conn(port_, In(kPatientMs));
  ASSERT_TRUE(conn.Send(std::string_view(reinterpret_cast<const char*>(hello), sizeof hello),
                        In(kPatientMs)));
  auto r = conn.Read(In(kAtOnceMs));
  EXPECT_EQ(r.status, 400) << r.Describe();
  EXPECT_TRUE(conn.WaitClosed(In(kPatientMs)));
  ExpectStillServing();
}

// HTTP/1.0 and expectations.

TEST_F(HttpFrontTest, HttpOneZeroGetsOneAnswerAndAClose) {
  const uint64_t before = LogSize();
  RawConnection conn(port_, In(kPatientMs));
  conn.Send("POST /v1/purchase-orders HTTP/1.0\r\nConnection: keep-alive\r\n" + AuthLine() +
                fmt::format("Content-Length: {}\r\n\r\n", kOrder.size()) + kOrder,
            In(kPatientMs));
  auto r = conn.Read(In(kPatientMs));
  EXPECT_EQ(r.status, 201) << r.Describe();
  EXPECT_EQ(Lower(r.header("connection")), "close") << "the answer must say what happens next";
  EXPECT_TRUE(conn.WaitClosed(In(kPatientMs)));
  EXPECT_EQ(LogSize(), before + 2);
}

TEST_F(HttpFrontTest, AnExpectedContinueIsSentBeforeTheBody) {
  RawConnection conn(port_, In(kPatientMs));
  conn.Send(PostHead("/v1/purchase-orders", fmt::format("Expect: 100-continue\r\n"
                                                        "Content-Length: {}\r\n",
                                                        kOrder.size())),
            In(kPatientMs));
  auto interim = conn.Read(In(kAtOnceMs));
  EXPECT_EQ(interim.status, 100) << interim.Describe();
  conn.Send(kOrder, In(kPatientMs));
  auto r = conn.Read(In(kPatientMs));
  EXPECT_EQ(r.status, 201) << r.Describe();
}

}  // namespace
}  // namespace ledger::testing
