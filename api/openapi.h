// The OpenAPI 3.0 document of the routes, as GET /v1/openapi.json serves it.
//
// Each route is listed with its summary, roles, path parameters and, where
// this file knows them, its query parameters and the JSON schema of its
// request body; answers are declared by class: 2XX with the route's media
// type, 4XX as the error body of SPEC §2. The body schemas describe what
// the route accepts (decimal strings, required fields), so that a client
// generator or an API fuzzer (tests/api_fuzz.py) can build valid requests;
// the route's own checks stay the authority.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace ledger::api {

struct OpenApiRoute {
  std::string method;  // "GET", "POST", ...
  std::string path;    // template, e.g. /v1/purchase-orders/{id}
  std::string summary;
  std::vector<std::string> roles;  // empty: no authentication
  // Query parameters (name, description) the route declares itself (the
  // lists); others are known to this file.
  std::vector<std::pair<std::string, std::string>> query = {};
};

nlohmann::json OpenApiDocument(const std::vector<OpenApiRoute>& routes);

}  // namespace ledger::api
