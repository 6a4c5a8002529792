// Attachments: content-addressed, write-once documents, and who filed them.
#include <fmt/format.h>

#include <functional>

#include "api/request_context.h"
#include "api/purchasing/routes.h"
#include "engine/purchasing/attachment_filings.h"
#include "events/event_json.h"

namespace ledger::api {

using namespace domain;  // NOLINT: route handlers read as the domain does

namespace {

// The filing just recorded.
void WriteFiled(const FileAttachment& in, const CommandOutcome& out, httplib::Response& res) {
  if (!out.status.ok()) Fail(out.status);
  WriteJson(res, 201,
            Json{{"sha256", in.sha256},
                 {"size", in.size},
                 {"media_type", in.media_type},
                 {"name", in.name}});
}

// POST /v1/attachments: stores the content, then files it.
void UploadAttachment(RequestContext& rc) {
  if (rc.ctx.attachments == nullptr) Fail(Status::Unavailable("no attachment store"));
  if (rc.req.body.empty()) FailMalformed("an attachment needs content");
  std::string media = rc.req.get_header_value("Content-Type");
  if (media.empty()) media = "application/octet-stream";
  std::string name = Param(rc.req, "name").value_or("");
  if (!events::IsUtf8(name)) FailMalformed("the name must be UTF-8 text");
  if (Status s = domain::CheckAttachmentLabels(name, media); !s.ok()) Fail(s);
  auto digest = rc.ctx.attachments->Put(rc.req.body);
  if (!digest.ok()) Fail(digest.status());
  // The content is stored (write-once, content-addressed); the event says
  // who filed it, when, under which name.
  domain::FileAttachment in{*digest, name, media, rc.req.body.size()};
  rc.Submit(ToCommand(in), std::bind_front(&WriteFiled, in));
}

// GET /v1/attachments/{sha256}
void ReadAttachment(RequestContext& rc) {
  if (rc.ctx.attachments == nullptr) Fail(Status::Unavailable("no attachment store"));
  auto bytes = rc.ctx.attachments->Get(rc.path(1));
  if (!bytes.ok()) Fail(bytes.status());
  rc.res.status = 200;
  rc.res.set_content(*bytes, "application/octet-stream");
}

}  // namespace

void AddAttachmentRoutes(Routes& r) {
  r.Add("POST", "/v1/attachments", {"requester", "buyer", "accountant", "receiver"},
        "Store a document (raw body, ?name=); answers its SHA-256; an event records who filed it",
        &UploadAttachment);
  r.Add("GET", "/v1/attachments/{sha256}", {"*"}, "Read a stored document", &ReadAttachment);
}

}  // namespace ledger::api
