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

std::vector<store::Membership> enabled(std::vector<store::Membership> memberships) {
    std::erase_if(memberships, [](const store::Membership& m) { return m.agent.disabled; });
    return memberships;
}

const store::Membership* membership_in(const std::vector<store::Membership>& memberships,
                                       core::Id workspace_id) {
    for (const auto& membership : memberships) {
        if (membership.workspace.id == workspace_id) return &membership;
    }
    return nullptr;
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

core::Result<LoginResult> AuthService::login(std::string_view email, std::string_view password,
                                             std::optional<core::Id> workspace_id) {
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
    const auto memberships = credentials && matches
                                 ? enabled(store_.list_memberships(credentials->agent.account_id))
                                 : std::vector<store::Membership>{};
    // The same answer for every failure, so that login does not tell which e-mails exist.
    if (memberships.empty()) return fail(ErrorCode::invalid_credentials, "wrong email or password");
    const auto* chosen = workspace_id ? membership_in(memberships, *workspace_id) : nullptr;
    return start_session(chosen ? chosen->agent : memberships.front().agent,
                         clock_.now_ms() + session_lifetime_ms);
}

LoginResult AuthService::start_session(const core::Agent& agent, core::TimeMs expires_at) {
    LoginResult result{random_token("st_", 32), expires_at, agent};
    store_.create_session(agent.id, sha256_hex(result.token), clock_.now_ms(), expires_at);
    return result;
}

std::vector<store::Membership> AuthService::workspaces(const store::SessionInfo& session) {
    return enabled(store_.list_memberships(session.agent.account_id));
}

core::Result<LoginResult> AuthService::switch_workspace(const store::SessionInfo& session,
                                                        core::Id workspace_id) {
    if (workspace_id == session.agent.workspace_id) {
        return fail(ErrorCode::validation_failed, "this session is already in that workspace");
    }
    const auto memberships = workspaces(session);
    const auto* membership = membership_in(memberships, workspace_id);
    if (!membership) return fail(ErrorCode::not_found, "no such workspace");
    return start_session(membership->agent, session.expires_at);
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
    // The password is the account's: its sessions in every workspace end, but this one.
    events_.sessions_revoked(
        store_.delete_account_sessions(session.agent.account_id, session.session_id));
    return core::Done{};
}

}  // namespace juttu::services
