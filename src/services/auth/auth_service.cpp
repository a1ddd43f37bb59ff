#include "services/auth/auth_service.hpp"

#include "core/validation.hpp"
#include "services/auth/crypto.hpp"

namespace juttu::services {

using core::ErrorCode;
using core::fail;

namespace {

core::Error busy() {
    return fail(ErrorCode::unavailable, "too many logins at once: try again in a moment");
}

}  // namespace

AuthService::AuthService(store::Store& store, EventSink& events, const core::Clock& clock,
                         PasswordGate::Limits argon2)
    : store_(store),
      events_(events),
      clock_(clock),
      argon2_(argon2),
      sessions_(store, events, clock),
      stand_in_hash_(hash_password(random_token("", 24))) {}

core::Result<LoginResult> AuthService::login(std::string_view email, std::string_view password) {
    const auto normalized = core::normalize_email(email);
    auto credentials = normalized ? store_.find_agent_by_email(*normalized) : std::nullopt;
    bool matches = false;
    {
        auto permit = argon2_.enter();
        if (!permit) return busy();
        // The same argon2 work whether or not the account exists or may log in.
        matches =
            verify_password(credentials ? credentials->password_hash : stand_in_hash_, password);
    }
    // The same answer for every failure, so that login does not tell which e-mails exist.
    if (!credentials || credentials->agent.disabled || !matches) {
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
    std::string new_hash;
    {
        // One turn for both computations: at most one argon2 of this call runs at a time.
        auto permit = argon2_.enter();
        if (!permit) return busy();
        if (!credentials || !verify_password(credentials->password_hash, current_password)) {
            return fail(ErrorCode::forbidden, "the current password is wrong");
        }
        if (auto problem = core::password_problem(new_password)) {
            return fail(ErrorCode::validation_failed, *problem);
        }
        new_hash = hash_password(new_password);
    }
    store_.set_agent_password(session.agent.workspace_id, session.agent.id, new_hash);
    events_.sessions_revoked(store_.delete_agent_sessions(session.agent.id, session.session_id));
    return core::Done{};
}

}  // namespace juttu::services
