#include "api/rest_api.hpp"

#include <boost/beast/http/field.hpp>
#include <boost/url/parse.hpp>

#include "api/error_names.hpp"
#include "api/json_codec.hpp"

namespace juttu::api {

namespace http = boost::beast::http;

namespace {

constexpr std::string_view api_prefix = "/api/v1";

http::status status_of(core::ErrorCode code) {
    using core::ErrorCode;
    switch (code) {
        case ErrorCode::validation_failed:
            return http::status::bad_request;
        case ErrorCode::unauthorized:
        case ErrorCode::invalid_credentials:
        case ErrorCode::bad_identity:
            return http::status::unauthorized;
        case ErrorCode::forbidden:
        case ErrorCode::origin_not_allowed:
        case ErrorCode::identity_required:
            return http::status::forbidden;
        case ErrorCode::not_found:
        case ErrorCode::unknown_site:
            return http::status::not_found;
        case ErrorCode::conflict:
        case ErrorCode::conversation_closed:
            return http::status::conflict;
        case ErrorCode::unavailable:
            return http::status::service_unavailable;
        case ErrorCode::rate_limited:
            return http::status::too_many_requests;
        case ErrorCode::file_too_large:
            return http::status::payload_too_large;
        case ErrorCode::file_type_not_allowed:
            return http::status::unsupported_media_type;
    }
    return http::status::internal_server_error;
}

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> parts;
    while (!path.empty()) {
        if (path.front() == '/') path.remove_prefix(1);
        const auto slash = path.find('/');
        parts.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash);
    }
    return parts;
}

std::optional<core::Id> parse_id(std::string_view text) {
    if (text.empty() || text.size() > 18 || text.front() == '0') return std::nullopt;
    core::Id id = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        id = id * 10 + (c - '0');
    }
    return id;
}

std::optional<std::string> bearer_token(const net::Request& request) {
    const auto header = request[http::field::authorization];
    constexpr std::string_view scheme = "Bearer ";
    if (!header.starts_with(scheme)) return std::nullopt;
    return std::string(header.substr(scheme.size()));
}

}  // namespace

Reply error_reply(http::status status, std::string_view code, std::string_view message) {
    return Reply{status, json::object{{"error", {{"code", code}, {"message", message}}}}};
}

Reply error_reply(const core::Error& error) {
    auto reply = error_reply(status_of(error.code), error_code_name(error.code), error.message);
    if (error.retry_after_ms > 0) {
        reply.retry_after_s = (error.retry_after_ms + 999) / 1000;
        reply.body.as_object()["error"].as_object()["retry_after_ms"] = error.retry_after_ms;
    }
    if (error.max_bytes > 0)
        reply.body.as_object()["error"].as_object()["max_bytes"] = error.max_bytes;
    return reply;
}

std::string_view RestApi::Call::client_address() const {
    return request[net::client_address_header];
}

RestApi::RestApi(RestDeps deps) : deps_(std::move(deps)), routes_(routes()) {}

std::vector<RestApi::Route> RestApi::routes() {
    using enum Access;
    using V = http::verb;
    return {
        {V::post, "/auth/login", everyone, "Log in with email and password", &RestApi::login, true},
        {V::post, "/auth/logout", agent, "Revoke this session", &RestApi::logout},
        {V::get, "/me", agent, "The logged-in agent and workspace", &RestApi::me},
        {V::post, "/me/password", agent, "Change the password; revokes other sessions",
         &RestApi::change_password, true},
        {V::get, "/me/workspaces", agent, "The workspaces the logged-in person works in",
         &RestApi::my_workspaces},
        {V::post, "/auth/switch", agent, "A session in another of the person's workspaces",
         &RestApi::switch_workspace, true},
        {V::post, "/workspaces", admin, "Create a workspace; its creator is its first admin",
         &RestApi::create_workspace, true},
        {V::get, "/openapi.json", everyone, "This document", &RestApi::openapi},
        {V::get, "/demo/site", everyone, "The demo shop's site key, for the page served at /demo/",
         &RestApi::demo_site},
        {V::get, "/conversations", agent, "List conversations, newest activity first",
         &RestApi::list_conversations},
        {V::get, "/conversations/counts", agent,
         "How many conversations of a status each inbox tab holds", &RestApi::conversation_counts},
        {V::get, "/conversations/{id}", agent, "One conversation with its contact",
         &RestApi::get_conversation},
        {V::get, "/conversations/{id}/messages", agent, "Messages paged by seq",
         &RestApi::list_messages},
        {V::post, "/conversations/{id}/close", agent, "Close a conversation",
         &RestApi::close_conversation},
        {V::post, "/conversations/{id}/reopen", agent, "Reopen a conversation",
         &RestApi::reopen_conversation},
        {V::post, "/conversations/{id}/assign", agent, "Assign to an agent, or unassign",
         &RestApi::assign_conversation, true},
        {V::post, "/conversations/{id}/take", agent,
         "Take a waiting chat for yourself (409 when another agent has it)",
         &RestApi::take_conversation},
        {V::get, "/contacts", agent, "List contacts, newest seen first; q searches them",
         &RestApi::list_contacts},
        {V::get, "/contacts/{id}", agent, "A contact with every conversation and page views",
         &RestApi::get_contact},
        {V::patch, "/contacts/{id}", agent, "Change a contact's name or e-mail",
         &RestApi::update_contact, true},
        {V::get, "/search", agent,
         "Search conversations by message text and contact name, e-mail and attributes",
         &RestApi::search},
        {V::get, "/sites", agent, "List sites", &RestApi::list_sites},
        {V::post, "/sites", admin, "Create a site", &RestApi::create_site, true},
        {V::get, "/sites/{id}", agent, "One site", &RestApi::get_site},
        {V::patch, "/sites/{id}", admin, "Change a site", &RestApi::update_site, true},
        {V::delete_, "/sites/{id}", admin, "Delete a site", &RestApi::delete_site},
        {V::get, "/sites/{id}/snippet", agent, "The embed snippet of a site",
         &RestApi::site_snippet},
        {V::get, "/sites/{id}/identity-secrets", admin,
         "The site's identity secrets, with their values", &RestApi::list_identity_secrets},
        {V::post, "/sites/{id}/identity-secrets", admin,
         "Create an identity secret (409 when the site has two)", &RestApi::add_identity_secret},
        {V::delete_, "/sites/{id}/identity-secrets/{id}", admin, "Retire identity secret n",
         &RestApi::remove_identity_secret},
        {V::get, "/agents", agent, "List the workspace's agents (to assign to)",
         &RestApi::list_agents},
        {V::post, "/agents", admin, "Create an agent", &RestApi::create_agent, true},
        {V::get, "/agents/{id}", agent, "One agent", &RestApi::get_agent},
        {V::patch, "/agents/{id}", admin, "Change an agent; disabling revokes its sessions",
         &RestApi::update_agent, true},
        {V::delete_, "/agents/{id}", admin, "Remove an agent and revoke its sessions",
         &RestApi::delete_agent},
        {V::get, "/canned-responses", agent, "The workspace's saved replies",
         &RestApi::list_canned},
        {V::post, "/canned-responses", admin, "Save a reply under a /shortcut",
         &RestApi::create_canned, true},
        {V::get, "/canned-responses/{id}", agent, "One saved reply", &RestApi::get_canned},
        {V::patch, "/canned-responses/{id}", admin, "Change a saved reply", &RestApi::update_canned,
         true},
        {V::delete_, "/canned-responses/{id}", admin, "Delete a saved reply",
         &RestApi::delete_canned},
        {V::get, "/teams", agent, "List the workspace's teams", &RestApi::list_teams},
        {V::post, "/teams", admin, "Create a team", &RestApi::create_team, true},
        {V::get, "/teams/{id}", agent, "One team", &RestApi::get_team},
        {V::patch, "/teams/{id}", admin, "Rename a team or replace its members",
         &RestApi::update_team, true},
        {V::delete_, "/teams/{id}", admin, "Delete a team", &RestApi::delete_team},
        {V::get, "/conversations/{id}/notes", agent, "Internal notes of a conversation",
         &RestApi::list_notes},
        {V::post, "/conversations/{id}/notes", agent, "Add an internal note", &RestApi::add_note,
         true},
        {V::post, "/conversations/{id}/transfer", agent,
         "Transfer to an agent or a team, with a note", &RestApi::transfer_conversation, true},
        {V::get, "/queue", agent, "Chats waiting for an agent, next first", &RestApi::list_queue},
    };
}

std::optional<std::vector<core::Id>> RestApi::match(const std::string& pattern,
                                                    std::string_view path) {
    const auto want = split_path(pattern);
    const auto have = split_path(path);
    if (want.size() != have.size()) return std::nullopt;
    std::vector<core::Id> ids;
    for (std::size_t i = 0; i < want.size(); ++i) {
        if (want[i] == "{id}") {
            auto id = parse_id(have[i]);
            if (!id) return std::nullopt;
            ids.push_back(*id);
        } else if (want[i] != have[i]) {
            return std::nullopt;
        }
    }
    return ids;
}

Reply RestApi::handle(const net::Request& request) {
    auto target = boost::urls::parse_origin_form(request.target());
    if (!target) return error_reply(http::status::bad_request, "bad_request", "malformed URL");
    std::string_view path = target->encoded_path();
    path.remove_prefix(std::min(path.size(), api_prefix.size()));

    bool path_known = false;
    for (const auto& route : routes_) {
        auto ids = match(route.pattern, path);
        if (!ids) continue;
        path_known = true;
        if (route.method != request.method()) continue;

        Call call{request, std::move(*ids), target->params(), std::nullopt, {}};
        if (route.access != Access::everyone) {
            auto token = bearer_token(request);
            auto session = token
                               ? deps_.auth.authenticate(*token)
                               : core::Result<store::SessionInfo>(core::fail(
                                     core::ErrorCode::unauthorized, "a bearer token is required"));
            if (!session.ok()) return error_reply(session.error());
            call.session = session.value();
            if (route.access == Access::admin && call.agent().role != core::Role::admin) {
                return error_reply(http::status::forbidden, "forbidden",
                                   "this needs the admin role");
            }
        }
        if (route.takes_body) {
            auto body = parse_object(request.body());
            if (!body) {
                return error_reply(http::status::bad_request, "invalid_json",
                                   "the request body must be one JSON object");
            }
            call.body = std::move(*body);
        }
        return (this->*route.handler)(call);
    }
    if (path_known) {
        return error_reply(http::status::method_not_allowed, "method_not_allowed",
                           "this path does not take " + std::string(request.method_string()));
    }
    return error_reply(http::status::not_found, "not_found", "no such API route");
}

json::object RestApi::openapi_document() const {
    json::object paths;
    for (const auto& route : routes_) {
        json::object operation{{"summary", route.summary}};
        json::array parameters;
        if (route.pattern.find("{id}") != std::string::npos) {
            parameters.emplace_back(json::object{{"name", "id"},
                                                 {"in", "path"},
                                                 {"required", true},
                                                 {"schema", {{"type", "integer"}}}});
        }
        operation["parameters"] = std::move(parameters);
        if (route.access != Access::everyone) {
            operation["security"] = json::array{json::object{{"bearer", json::array{}}}};
        }
        if (route.takes_body) {
            operation["requestBody"] = {
                {"required", true},
                {"content", {{"application/json", {{"schema", {{"type", "object"}}}}}}}};
        }
        operation["responses"] = {
            {"200", {{"description", "Success (201 on create, 204 with no body)"}}},
            {"default",
             {{"description", "Error"},
              {"content",
               {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}}}};
        std::string verb(http::to_string(route.method));
        for (auto& c : verb) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        auto& item = paths[route.pattern];
        if (!item.is_object()) item = json::object{};
        item.as_object()[verb] = std::move(operation);
    }
    return {
        {"openapi", "3.0.3"},
        {"info", {{"title", "Juttu API"}, {"version", "1"}}},
        {"servers", json::array{json::object{{"url", api_prefix}}}},
        {"paths", std::move(paths)},
        {"components",
         {{"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}},
          {"schemas",
           {{"Error",
             {{"type", "object"},
              {"required", json::array{"error"}},
              {"properties",
               {{"error",
                 {{"type", "object"},
                  {"properties",
                   {{"code", {{"type", "string"}}}, {"message", {{"type", "string"}}}}}}}}}}}}}}}};
}

Reply RestApi::openapi(Call&) { return Reply{http::status::ok, openapi_document()}; }

}  // namespace juttu::api
