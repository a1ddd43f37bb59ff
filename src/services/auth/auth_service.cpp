#include "services/auth/auth_service.hpp"

#include "core/validation.hpp"
#include "services/auth/crypto.hpp"

namespace juttu::services {

using core::ErrorCode;
using core::fail;

AuthService::AuthService(store::Store& store, EventSink& events, const core::Clock& clock)
    : store_(store), events_(events), clock_(clock) {}

core::Result<LoginResult> AuthService::login(std::string_view email, std::string_view password) {
    const auto normalized = core::normalize_email(email);
    auto credentials = normalized ? store_.find_agent_by_email(*normalized) : std::nullopt;
    // The same answer for an unknown email, a wrong password and a disabled agent, so
    // that login does not tell which emails exist.
    if (!credentials || credentials->agent.disabled ||
        !verify_password(credentials->password_hash, password)) {
        return fail(ErrorCode::invalid_credentials, "wrong email or password");
    }
    const auto now = clock_.now_ms();
    LoginResult result{random_token("st_", 32), now + session_lifetime_ms, credentials->agent};
    store_.create_session(result.agent.id, sha256_hex(result.token), now, result.expires_at);
    return result;
}

core::Result<store::SessionInfo> AuthService::authenticate(std::string_view token) {
    if (token.empty() || token.size() > 200) {
        return fail(ErrorCode::unauthorized, "missing or malformed session token");
    }
    auto session = store_.find_session(sha256_hex(token), clock_.now_ms());
    if (!session) return fail(ErrorCode::unauthorized, "the session token is not valid");
    return *session;
}

void AuthService::logout(const store::SessionInfo& session) {
    store_.delete_session(session.session_id);
    events_.sessions_revoked({session.session_id});
}

core::Result<core::Done> AuthService::change_password(const store::SessionInfo& session,
                                                      std::string_view current_password,
                                                      std::string_view new_password) {
    auto credentials = store_.find_agent_by_email(session.agent.email);
    if (!credentials || !verify_password(credentials->password_hash, current_password)) {
        return fail(ErrorCode::forbidden, "the current password is wrong");
    }
    if (auto problem = core::password_problem(new_password)) {
        return fail(ErrorCode::validation_failed, *problem);
    }
    store_.set_agent_password(session.agent.workspace_id, session.agent.id,
                              hash_password(new_password));
    events_.sessions_revoked(store_.delete_agent_sessions(session.agent.id, session.session_id));
    return core::Done{};
}

}  // namespace juttu::services
