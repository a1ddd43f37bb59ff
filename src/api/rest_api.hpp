// The REST API under /api/v1 (docs/api.md): a route table, authentication and role
// checks, and thin handlers that parse, call a service and serialise.
//
// handle() blocks (argon2, store): the HTTP front calls it on the blocking pool.
// The same route table produces GET /api/v1/openapi.json, so the document cannot
// drift from the routes.
#pragma once

#include <boost/beast/http/status.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <boost/url/params_view.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "net/server.hpp"
#include "services/admin/admin_service.hpp"
#include "services/admin/teams.hpp"
#include "services/auth/auth_service.hpp"
#include "services/canned/canned_responses.hpp"
#include "services/chat/chat_service.hpp"
#include "services/chat/notes.hpp"
#include "services/routing/presence.hpp"
#include "services/routing/router.hpp"
#include "services/search/search_service.hpp"

namespace juttu::api {

struct RestDeps {
    services::ChatService& chat;
    services::AuthService& auth;
    services::AdminService& admin;
    services::Presence& presence;
    services::CannedResponses& canned;
    services::Teams& teams;
    services::Notes& notes;
    services::Router& router;
    services::RateLimiter& limits;
    services::Search& search;
    std::string public_url;  // for embed snippets
};

struct Reply {
    boost::beast::http::status status = boost::beast::http::status::ok;
    boost::json::value body;         // null: no body (204)
    std::int64_t retry_after_s = 0;  // > 0: sent as Retry-After (429)
};

Reply error_reply(const core::Error& error);
// The HTTP answer to `request` that carries `reply`: JSON, no-store, Retry-After when set.
net::Response json_response(const net::Request& request, const Reply& reply);
Reply error_reply(boost::beast::http::status status, std::string_view code,
                  std::string_view message);

class RestApi {
public:
    explicit RestApi(RestDeps deps);

    // `target` path starts with /api/v1.
    Reply handle(const net::Request& request);
    // Call before serving: the URL embed snippets point at.
    void set_public_url(std::string url) { deps_.public_url = std::move(url); }

private:
    enum class Access { everyone, agent, admin };

    struct Call {
        const net::Request& request;
        std::vector<core::Id> ids;  // the {id}s of the path, in order
        boost::urls::params_view query;
        std::optional<store::SessionInfo> session;
        boost::json::object body;

        const core::Agent& agent() const { return session->agent; }
        // The client's address as the net layer resolved it (net/client_address.hpp).
        std::string_view client_address() const;
        core::Id workspace() const { return session->agent.workspace_id; }
    };

    using Handler = Reply (RestApi::*)(Call&);

    struct Route {
        boost::beast::http::verb method;
        std::string pattern;  // relative to /api/v1, "{id}" matches a positive integer
        Access access;
        std::string summary;
        Handler handler;
        bool takes_body = false;
    };

    static std::vector<Route> routes();
    static std::optional<std::vector<core::Id>> match(const std::string& pattern,
                                                      std::string_view path);
    boost::json::object openapi_document() const;

    Reply login(Call& call);
    Reply logout(Call& call);
    Reply me(Call& call);
    Reply change_password(Call& call);
    Reply my_workspaces(Call& call);
    Reply switch_workspace(Call& call);
    Reply create_workspace(Call& call);
    Reply openapi(Call& call);
    boost::json::object agent_json(const core::Agent& agent) const;
    Reply demo_site(Call& call);

    Reply list_conversations(Call& call);
    Reply conversation_counts(Call& call);
    Reply get_conversation(Call& call);
    Reply list_messages(Call& call);
    Reply close_conversation(Call& call);
    Reply reopen_conversation(Call& call);
    Reply assign_conversation(Call& call);
    Reply take_conversation(Call& call);
    Reply get_contact(Call& call);
    Reply search(Call& call);
    Reply list_contacts(Call& call);
    Reply update_contact(Call& call);

    Reply list_sites(Call& call);
    Reply create_site(Call& call);
    Reply get_site(Call& call);
    Reply update_site(Call& call);
    Reply delete_site(Call& call);
    Reply site_snippet(Call& call);
    Reply list_identity_secrets(Call& call);
    Reply add_identity_secret(Call& call);
    Reply remove_identity_secret(Call& call);

    Reply list_agents(Call& call);
    Reply create_agent(Call& call);
    Reply get_agent(Call& call);
    Reply update_agent(Call& call);
    Reply delete_agent(Call& call);

    Reply list_canned(Call& call);
    Reply create_canned(Call& call);
    Reply get_canned(Call& call);
    Reply update_canned(Call& call);
    Reply delete_canned(Call& call);

    Reply list_teams(Call& call);
    Reply create_team(Call& call);
    Reply get_team(Call& call);
    Reply update_team(Call& call);
    Reply delete_team(Call& call);

    Reply list_notes(Call& call);
    Reply add_note(Call& call);
    Reply transfer_conversation(Call& call);
    Reply list_queue(Call& call);

    RestDeps deps_;
    std::vector<Route> routes_;
};

}  // namespace juttu::api
