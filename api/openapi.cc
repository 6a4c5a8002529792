#include "api/openapi.h"

#include <algorithm>
#include <map>

namespace ledger::api {
namespace {

using Json = nlohmann::json;

// Schemas shared by the bodies below ($ref: #/components/schemas/...).
constexpr const char* kSchemas = R"json({
  "Decimal": {"type": "string", "pattern": "^-?[0-9]{1,24}(\\.[0-9]{1,6})?$", "example": "12.50"},
  "Text": {"type": "string", "minLength": 1, "maxLength": 4096},
  "Id": {"type": "string", "pattern": "^[A-Za-z0-9._:@-]{1,64}$"},
  "Date": {"type": "string", "format": "date", "example": "2026-01-15"},
  "Error": {
    "type": "object", "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["code", "message", "details"],
      "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                     "details": {"type": "object"}, "rule": {"type": "string"}}}}
  },
  "PoLine": {
    "type": "object",
    "properties": {
      "product": {"$ref": "#/components/schemas/Text"},
      "description": {"$ref": "#/components/schemas/Text"},
      "quantity": {"$ref": "#/components/schemas/Decimal"},
      "unit_price": {"$ref": "#/components/schemas/Decimal"},
      "discount": {"$ref": "#/components/schemas/Decimal"},
      "cost_center": {"$ref": "#/components/schemas/Text"},
      "project": {"$ref": "#/components/schemas/Text"},
      "expected_date": {"$ref": "#/components/schemas/Date"},
      "warehouse": {"$ref": "#/components/schemas/Text"}
    }
  },
  "NewPoLine": {
    "allOf": [{"$ref": "#/components/schemas/PoLine"},
              {"type": "object", "required": ["product", "quantity", "unit_price", "cost_center"]}]
  },
  "PoHeader": {
    "type": "object",
    "properties": {
      "supplier": {"$ref": "#/components/schemas/Text"},
      "currency": {"type": "string", "example": "EUR"},
      "payment_terms": {"$ref": "#/components/schemas/Text"},
      "billing_method": {"type": "string", "enum": ["ordered", "received"]},
      "incoterm": {"$ref": "#/components/schemas/Text"},
      "expected_date": {"$ref": "#/components/schemas/Date"}
    }
  },
  "PoNotes": {
    "type": "object",
    "properties": {"supplier": {"type": "string"}, "receipt": {"type": "string"},
                   "billing": {"type": "string"}, "internal": {"type": "string"}}
  },
  "BudgetLineKey": {
    "type": "object", "required": ["cost_center", "category"],
    "properties": {"cost_center": {"$ref": "#/components/schemas/Text"},
                   "category": {"$ref": "#/components/schemas/Text"},
                   "project": {"type": "string"}}
  },
  "Reason": {
    "type": "object", "required": ["reason"],
    "properties": {"reason": {"$ref": "#/components/schemas/Text"}}
  },
  "OptionalReason": {"type": "object", "properties": {"reason": {"type": "string"}}},
  "PrInput": {
    "type": "object",
    "properties": {
      "justification": {"type": "string"},
      "lines": {"type": "array", "items": {
        "type": "object", "required": ["quantity", "estimated_unit_price", "cost_center"],
        "properties": {
          "product": {"type": "string"}, "description": {"type": "string"},
          "quantity": {"$ref": "#/components/schemas/Decimal"},
          "estimated_unit_price": {"$ref": "#/components/schemas/Decimal"},
          "currency": {"type": "string", "example": "EUR"},
          "cost_center": {"$ref": "#/components/schemas/Text"},
          "category": {"type": "string"}, "project": {"type": "string"},
          "needed_by": {"$ref": "#/components/schemas/Date"}}}},
      "attachments": {"type": "array", "items": {
        "type": "object", "required": ["sha256"],
        "properties": {"sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                       "name": {"type": "string"}, "media_type": {"type": "string"}}}}
    }
  },
  "Reference": {
    "type": "object",
    "properties": {
      "name": {"$ref": "#/components/schemas/Text"},
      "rate": {"$ref": "#/components/schemas/Decimal"},
      "price_included": {"type": "boolean"},
      "kind": {"$ref": "#/components/schemas/Text"},
      "days": {"type": "integer", "minimum": 0, "maximum": 3650},
      "currency": {"type": "string", "example": "EUR"},
      "payment_terms": {"type": "string"}, "fiscal_position": {"type": "string"},
      "billing_method": {"type": "string", "enum": ["ordered", "received"]},
      "incoterm": {"type": "string"}, "tax_code": {"type": "string"},
      "category": {"type": "string"}, "licence_typology": {"type": "string"},
      "roles": {"type": "array", "items": {"type": "string"}},
      "disabled": {"type": "boolean"}, "blocked": {"type": "boolean"},
      "map": {"type": "array", "items": {"type": "object", "required": ["from"],
        "properties": {"from": {"$ref": "#/components/schemas/Text"}, "to": {"type": "string"}}}}
    }
  }
})json";

// Request bodies by "METHOD path". Routes of the reference collections
// share "Reference" (their fields depend on the collection).
constexpr const char* kBodies = R"json({
  "POST /v1/purchase-orders": {
    "allOf": [{"$ref": "#/components/schemas/PoHeader"}, {"type": "object", "required": ["supplier"],
      "properties": {"purchase_request": {"type": "string"},
                     "lines": {"type": "array", "items": {"$ref": "#/components/schemas/NewPoLine"}},
                     "notes": {"$ref": "#/components/schemas/PoNotes"}}}]
  },
  "POST /v1/purchase-orders/{id}/lines": {"$ref": "#/components/schemas/NewPoLine"},
  "POST /v1/purchase-orders/{id}/lines/{n}/update": {"$ref": "#/components/schemas/PoLine"},
  "POST /v1/purchase-orders/{id}/update": {"$ref": "#/components/schemas/PoHeader"},
  "POST /v1/purchase-orders/{id}/notes": {"$ref": "#/components/schemas/PoNotes"},
  "POST /v1/purchase-orders/{id}/cancel": {"$ref": "#/components/schemas/OptionalReason"},
  "PUT /v1/settings": {
    "type": "object", "required": ["currency"],
    "properties": {"currency": {"type": "string", "example": "EUR"},
                   "tax_rounding": {"type": "string", "enum": ["per_line", "global"]}}
  },
  "PUT /v1/settings/approval-policy": {
    "type": "object", "required": ["bands"],
    "properties": {"bands": {"type": "array", "minItems": 1, "items": {
      "type": "object",
      "properties": {"up_to": {"$ref": "#/components/schemas/Decimal"},
                     "levels": {"type": "array", "items": {"type": "string",
                                "enum": ["manager", "finance", "direction"]}}}}}}
  },
  "PUT /v1/settings/matching": {
    "type": "object", "required": ["quantity_pct", "price_pct", "amount_abs"],
    "properties": {"quantity_pct": {"$ref": "#/components/schemas/Decimal"},
                   "price_pct": {"$ref": "#/components/schemas/Decimal"},
                   "amount_abs": {"$ref": "#/components/schemas/Decimal"},
                   "over_receipt_pct": {"$ref": "#/components/schemas/Decimal"}}
  },
  "PUT /v1/exchange-rates/{currency}": {
    "type": "object", "required": ["rate"],
    "properties": {"rate": {"$ref": "#/components/schemas/Decimal"}}
  },
  "POST /v1/budgets": {
    "type": "object", "required": ["id", "currency", "policy"],
    "properties": {
      "id": {"$ref": "#/components/schemas/Id"}, "name": {"type": "string"},
      "currency": {"type": "string", "example": "EUR"},
      "policy": {"type": "string", "enum": ["block", "warn", "ignore"]},
      "lines": {"type": "array", "items": {"allOf": [{"$ref": "#/components/schemas/BudgetLineKey"},
        {"type": "object", "required": ["periods"], "properties": {"periods": {"type": "object",
          "additionalProperties": {"$ref": "#/components/schemas/Decimal"},
          "example": {"2026-01": "1000"}}}}]}}}
  },
  "POST /v1/budgets/{id}/amend": {
    "type": "object", "required": ["line", "period", "delta", "reason"],
    "properties": {"line": {"$ref": "#/components/schemas/BudgetLineKey"},
                   "period": {"type": "string", "example": "2026-01"},
                   "delta": {"$ref": "#/components/schemas/Decimal"},
                   "reason": {"$ref": "#/components/schemas/Text"}}
  },
  "POST /v1/budgets/{id}/transfer": {
    "type": "object", "required": ["from", "to", "period", "amount", "reason"],
    "properties": {"from": {"$ref": "#/components/schemas/BudgetLineKey"},
                   "to": {"$ref": "#/components/schemas/BudgetLineKey"},
                   "period": {"type": "string", "example": "2026-01"},
                   "amount": {"$ref": "#/components/schemas/Decimal"},
                   "reason": {"$ref": "#/components/schemas/Text"}}
  },
  "POST /v1/purchase-requests": {"$ref": "#/components/schemas/PrInput"},
  "POST /v1/purchase-requests/{id}/update": {"$ref": "#/components/schemas/PrInput"},
  "POST /v1/purchase-requests/{id}/approve": {
    "type": "object", "properties": {"comment": {"type": "string"}}
  },
  "POST /v1/purchase-requests/{id}/reject": {"$ref": "#/components/schemas/Reason"},
  "POST /v1/purchase-requests/{id}/cancel": {"$ref": "#/components/schemas/OptionalReason"},
  "POST /v1/purchase-requests/{id}/convert": {
    "type": "object",
    "properties": {"supplier": {"type": "string"},
                   "supplier_by_line": {"type": "object", "additionalProperties": {"type": "string"},
                                        "example": {"1": "ACME"}}}
  },
  "POST /v1/receipts": {
    "type": "object", "required": ["purchase_order", "date"],
    "properties": {
      "purchase_order": {"$ref": "#/components/schemas/Text"},
      "date": {"$ref": "#/components/schemas/Date"},
      "warehouse": {"type": "string"},
      "lines": {"type": "array", "items": {"type": "object", "required": ["line", "quantity"],
        "properties": {"line": {"type": "integer", "minimum": 1, "maximum": 1000000},
                       "quantity": {"$ref": "#/components/schemas/Decimal"},
                       "period_from": {"$ref": "#/components/schemas/Date"},
                       "period_to": {"$ref": "#/components/schemas/Date"},
                       "proof": {"type": "string"}, "acceptance": {"type": "string"}}}}}
  },
  "POST /v1/supplier-invoices": {
    "type": "object", "required": ["supplier", "supplier_ref", "date"],
    "properties": {
      "supplier": {"$ref": "#/components/schemas/Text"},
      "supplier_ref": {"$ref": "#/components/schemas/Text"},
      "date": {"$ref": "#/components/schemas/Date"},
      "currency": {"type": "string", "example": "EUR"},
      "purchase_order": {"type": "string"},
      "lines": {"type": "array", "items": {"type": "object", "required": ["quantity", "unit_price"],
        "properties": {"po_line": {"type": "integer", "minimum": 0, "maximum": 1000000},
                       "description": {"type": "string"},
                       "quantity": {"$ref": "#/components/schemas/Decimal"},
                       "unit_price": {"$ref": "#/components/schemas/Decimal"},
                       "tax_code": {"type": "string"}}}},
      "totals": {"type": "object",
        "properties": {"untaxed": {"$ref": "#/components/schemas/Decimal"},
                       "tax": {"$ref": "#/components/schemas/Decimal"},
                       "total": {"$ref": "#/components/schemas/Decimal"}}}}
  },
  "POST /v1/supplier-invoices/{id}/accept-difference": {"$ref": "#/components/schemas/Reason"},
  "POST /v1/supplier-invoices/{id}/credit-notes": {
    "type": "object", "required": ["supplier_ref"],
    "properties": {
      "supplier_ref": {"$ref": "#/components/schemas/Text"},
      "date": {"$ref": "#/components/schemas/Date"},
      "amount": {"$ref": "#/components/schemas/Decimal"},
      "lines": {"type": "array", "items": {"type": "object", "required": ["line"],
        "properties": {"line": {"type": "integer", "minimum": 1, "maximum": 1000000},
                       "quantity": {"$ref": "#/components/schemas/Decimal"},
                       "amount": {"$ref": "#/components/schemas/Decimal"}}}}}
  },
  "POST /v1/supplier-invoices/{id}/payments": {
    "type": "object", "required": ["amount", "method", "reference"],
    "properties": {"amount": {"$ref": "#/components/schemas/Decimal"},
                   "method": {"$ref": "#/components/schemas/Text"},
                   "reference": {"$ref": "#/components/schemas/Text"},
                   "date": {"$ref": "#/components/schemas/Date"}}
  },
  "POST /v1/supplier-invoices/{id}/cancel": {"$ref": "#/components/schemas/OptionalReason"},
  "POST /v1/users/{id}/tokens": {"type": "object", "properties": {"label": {"type": "string"}}}
})json";

// Query parameters by "METHOD path": name -> schema.
constexpr const char* kQueries = R"json({
  "GET /v1/events": {"after": {"type": "string"}, "limit": {"type": "integer", "minimum": 1}},
  "GET /v1/events/stream": {"after": {"type": "string"}},
  "GET /v1/audit": {"actor": {"type": "string"}, "stream": {"type": "string"},
                    "stream_type": {"type": "string"}, "correlation": {"type": "string"},
                    "from": {"type": "string", "format": "date-time"},
                    "to": {"type": "string", "format": "date-time"},
                    "limit": {"type": "integer", "minimum": 1}, "cursor": {"type": "string"}},
  "GET /v1/commitments": {"group_by": {"type": "string", "example": "cost_center,supplier"}},
  "GET /v1/budgets/{id}/report": {"group_by": {"type": "string", "example": "supplier,month"},
                                  "as_of": {"type": "string", "format": "date-time"}},
  "POST /v1/attachments": {"name": {"type": "string"}}
})json";

// What a route answers with when it succeeds, when not JSON.
std::string SuccessMediaType(const std::string& key) {
  static const std::map<std::string, std::string> kMedia = {
      {"GET /metrics", "text/plain"},
      {"GET /v1/schemas/{name}", "text/plain"},
      {"GET /v1/attachments/{sha256}", "application/octet-stream"},
      {"GET /v1/events/stream", "text/event-stream"},
  };
  auto it = kMedia.find(key);
  return it == kMedia.end() ? "application/json" : it->second;
}

bool IsReferenceCollection(const std::string& path) {
  for (const char* c : {"tax-codes", "fiscal-positions", "payment-terms", "cost-centers",
                        "categories", "projects", "suppliers", "products", "users"}) {
    const std::string base = std::string("/v1/") + c;
    if (path == base || path == base + "/{id}") return true;
  }
  return false;
}

}  // namespace

Json OpenApiDocument(const std::vector<OpenApiRoute>& routes) {
  static const Json schemas = Json::parse(kSchemas);
  static const Json bodies = Json::parse(kBodies);
  static const Json queries = Json::parse(kQueries);
  const Json error = {{"$ref", "#/components/schemas/Error"}};
  Json paths = Json::object();
  for (const auto& r : routes) {
    const std::string key = r.method + " " + r.path;
    std::string method = r.method;
    std::transform(method.begin(), method.end(), method.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
    Json responses = {
        {"2XX", {{"description", "Success"},
                 {"content", {{SuccessMediaType(key), {{"schema", Json::object()}}}}}}},
        {"4XX", {{"description", "Refused: errors as SPEC §2 says"},
                 {"content", {{"application/json", {{"schema", error}}}}}}}};
    Json op = {{"summary", r.summary}, {"responses", responses}};
    if (!r.roles.empty()) {
      op["security"] = Json::array({{{"bearer", Json::array()}}});
      op["x-roles"] = r.roles;
    }
    Json params = Json::array();
    for (size_t pos = r.path.find('{'); pos != std::string::npos; pos = r.path.find('{', pos + 1)) {
      params.push_back({{"name", r.path.substr(pos + 1, r.path.find('}', pos) - pos - 1)},
                        {"in", "path"},
                        {"required", true},
                        {"schema", {{"type", "string"}}}});
    }
    if (auto q = queries.find(key); q != queries.end()) {
      for (const auto& [name, schema] : q->items()) {
        params.push_back({{"name", name}, {"in", "query"}, {"required", false}, {"schema", schema}});
      }
    }
    for (const auto& [name, description] : r.query) {
      Json schema = {{"type", "string"}};
      if (name == "limit") schema = {{"type", "integer"}, {"minimum", 1}, {"maximum", 500}};
      if (name == "from" || name == "to") schema = {{"type", "string"}, {"format", "date"}};
      if (name == "late") schema = {{"type", "string"}, {"enum", {"true", "false"}}};
      params.push_back({{"name", name}, {"in", "query"}, {"required", false},
                        {"description", description}, {"schema", schema}});
    }
    if (!params.empty()) op["parameters"] = params;
    if (key == "POST /v1/attachments") {
      op["requestBody"] = {
          {"required", true},
          {"content", {{"application/octet-stream", {{"schema", {{"type", "string"}, {"format", "binary"}}}}}}}};
    } else if (r.method == "POST" || r.method == "PUT") {
      Json schema = {{"type", "object"}};
      if (auto b = bodies.find(key); b != bodies.end()) {
        schema = *b;
      } else if (IsReferenceCollection(r.path)) {
        schema = {{"$ref", "#/components/schemas/Reference"}};
        if (r.method == "POST") {
          schema = {{"allOf", Json::array({schema, {{"type", "object"},
                                                    {"required", {"id"}},
                                                    {"properties", {{"id", {{"$ref", "#/components/schemas/Id"}}}}}}})}};
        }
      }
      op["requestBody"] = {{"required", true},
                           {"content", {{"application/json", {{"schema", schema}}}}}};
    }
    paths[r.path][method] = op;
  }
  return Json{{"openapi", "3.0.3"},
              {"info", {{"title", "ledgerd"}, {"version", "0.1.0"}}},
              {"components",
               {{"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}},
                {"schemas", schemas}}},
              {"paths", paths}};
}

}  // namespace ledger::api
