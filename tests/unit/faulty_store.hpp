// A Store that fails on purpose: it forwards every call to a real store, except that
// it throws StoreError (as a failing database does) on the Nth call from now, or on
// every call while failing. Async writes fail through their completion instead, as the
// real store's do. For the tests of the error boundaries (docs/security.md, "Store
// failures"). Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "store/store.hpp"

namespace juttu::testing {

class FaultyStore final : public store::Store {
public:
    explicit FaultyStore(store::Store& inner) : inner_(inner) {}

    // Every call fails until heal().
    void fail_always() { failing_ = true; }
    // The nth call from now fails (1: the next one), the others pass.
    void fail_nth(std::int64_t n) { countdown_ = n; }
    void heal() {
        failing_ = false;
        countdown_ = 0;
    }
    std::int64_t failures() const { return failures_; }
    // Holds messages' async appends (as a busy disk would) until release_appends().
    void hold_appends() {
        std::lock_guard lock(mutex_);
        holding_ = true;
    }
    void release_appends() {
        std::vector<std::pair<store::NewMessage, std::function<void(store::AppendResult)>>> held;
        {
            std::lock_guard lock(mutex_);
            holding_ = false;
            held.swap(held_);
        }
        for (auto& [message, done] : held) {
            inner_.append_message_async(std::move(message), std::move(done));
        }
    }

    using Id = store::Id;
    using TimeMs = store::TimeMs;
    using Seq = store::Seq;
    using SessionInfo = store::SessionInfo;
    using AgentCredentials = store::AgentCredentials;
    using VisitorArrival = store::VisitorArrival;
    using ConversationFilter = store::ConversationFilter;
    using ContactFilter = store::ContactFilter;
    using OutboxEmail = store::OutboxEmail;
    using AppendResult = store::AppendResult;
    using NewMessage = store::NewMessage;
    using StoredFile = store::StoredFile;
    using FileCreation = store::FileCreation;

    // clang-format off
    core::Workspace create_workspace(const std::string& name, TimeMs now) override { return hit("create_workspace"), inner_.create_workspace(name, now); }
    std::optional<core::Workspace> find_workspace(Id id) override { return hit("find_workspace"), inner_.find_workspace(id); }
    std::optional<core::Workspace> find_workspace_by_name(const std::string& name) override { return hit("find_workspace_by_name"), inner_.find_workspace_by_name(name); }
    bool has_workspaces() override { return hit("has_workspaces"), inner_.has_workspaces(); }
    std::optional<store::Membership> create_workspace_for(const std::string& name, const core::Agent& admin, TimeMs now) override { return hit("create_workspace_for"), inner_.create_workspace_for(name, admin, now); }
    core::Site create_site(const core::Site& site) override { return hit("create_site"), inner_.create_site(site); }
    std::optional<core::Site> find_site(Id workspace_id, Id site_id) override { return hit("find_site"), inner_.find_site(workspace_id, site_id); }
    std::optional<core::Site> find_site_by_key(const std::string& key) override { return hit("find_site_by_key"), inner_.find_site_by_key(key); }
    std::vector<core::Site> list_sites(Id workspace_id) override { return hit("list_sites"), inner_.list_sites(workspace_id); }
    bool update_site(const core::Site& site) override { return hit("update_site"), inner_.update_site(site); }
    bool delete_site(Id workspace_id, Id site_id) override { return hit("delete_site"), inner_.delete_site(workspace_id, site_id); }
    std::optional<core::IdentitySecret> add_identity_secret(Id workspace_id, Id site_id, const std::string& secret, TimeMs now) override { return hit("add_identity_secret"), inner_.add_identity_secret(workspace_id, site_id, secret, now); }
    bool remove_identity_secret(Id workspace_id, Id site_id, int n) override { return hit("remove_identity_secret"), inner_.remove_identity_secret(workspace_id, site_id, n); }
    std::optional<core::Agent> create_agent(const core::Agent& agent, const std::string& password_hash) override { return hit("create_agent"), inner_.create_agent(agent, password_hash); }
    std::optional<core::Agent> find_agent(Id workspace_id, Id agent_id) override { return hit("find_agent"), inner_.find_agent(workspace_id, agent_id); }
    std::optional<AgentCredentials> find_agent_by_email(const std::string& email) override { return hit("find_agent_by_email"), inner_.find_agent_by_email(email); }
    std::vector<store::Membership> list_memberships(Id account_id) override { return hit("list_memberships"), inner_.list_memberships(account_id); }
    std::optional<core::Agent> add_membership(const core::Agent& agent) override { return hit("add_membership"), inner_.add_membership(agent); }
    std::vector<core::Agent> list_agents(Id workspace_id) override { return hit("list_agents"), inner_.list_agents(workspace_id); }
    bool update_agent(const core::Agent& agent) override { return hit("update_agent"), inner_.update_agent(agent); }
    bool set_agent_password(Id workspace_id, Id agent_id, const std::string& password_hash) override { return hit("set_agent_password"), inner_.set_agent_password(workspace_id, agent_id, password_hash); }
    bool delete_agent(Id workspace_id, Id agent_id) override { return hit("delete_agent"), inner_.delete_agent(workspace_id, agent_id); }
    std::optional<core::Team> create_team(const core::Team& team) override { return hit("create_team"), inner_.create_team(team); }
    std::vector<core::Team> list_teams(Id workspace_id) override { return hit("list_teams"), inner_.list_teams(workspace_id); }
    std::optional<core::Team> find_team(Id workspace_id, Id team_id) override { return hit("find_team"), inner_.find_team(workspace_id, team_id); }
    bool update_team(const core::Team& team) override { return hit("update_team"), inner_.update_team(team); }
    bool delete_team(Id workspace_id, Id team_id) override { return hit("delete_team"), inner_.delete_team(workspace_id, team_id); }
    Id create_session(Id agent_id, const std::string& token_hash, TimeMs now, TimeMs expires_at) override { return hit("create_session"), inner_.create_session(agent_id, token_hash, now, expires_at); }
    std::optional<SessionInfo> find_session(const std::string& token_hash, TimeMs now) override { return hit("find_session"), inner_.find_session(token_hash, now); }
    bool delete_session(Id session_id) override { return hit("delete_session"), inner_.delete_session(session_id); }
    std::vector<Id> delete_agent_sessions(Id agent_id, std::optional<Id> keep) override { return hit("delete_agent_sessions"), inner_.delete_agent_sessions(agent_id, keep); }
    std::vector<Id> delete_account_sessions(Id account_id, std::optional<Id> keep) override { return hit("delete_account_sessions"), inner_.delete_account_sessions(account_id, keep); }
    std::vector<Id> live_sessions(const std::vector<Id>& session_ids, TimeMs now) override { return hit("live_sessions"), inner_.live_sessions(session_ids, now); }
    core::Contact create_contact(Id workspace_id, Id site_id, const std::string& token_hash, TimeMs now) override { return hit("create_contact"), inner_.create_contact(workspace_id, site_id, token_hash, now); }
    std::optional<core::Contact> find_contact_by_token(Id workspace_id, const std::string& token_hash) override { return hit("find_contact_by_token"), inner_.find_contact_by_token(workspace_id, token_hash); }
    std::optional<core::Contact> find_contact(Id workspace_id, Id contact_id) override { return hit("find_contact"), inner_.find_contact(workspace_id, contact_id); }
    VisitorArrival arrive_visitor(Id workspace_id, Id site_id, const std::string& token_hash, const std::string& new_token_hash, TimeMs now, const std::map<std::string, std::string>& context) override { return hit("arrive_visitor"), inner_.arrive_visitor(workspace_id, site_id, token_hash, new_token_hash, now, context); }
    VisitorArrival arrive_verified(const store::VerifiedVisit& visit) override { return hit("arrive_verified"), inner_.arrive_verified(visit); }
    bool update_contact(const core::Contact& contact) override { return hit("update_contact"), inner_.update_contact(contact); }
    std::vector<core::Contact> list_contacts(const ContactFilter& filter) override { return hit("list_contacts"), inner_.list_contacts(filter); }
    std::vector<core::Message> matching_messages(Id workspace_id, const std::vector<Id>& conversation_ids, const std::string& text_match, int per_conversation) override { return hit("matching_messages"), inner_.matching_messages(workspace_id, conversation_ids, text_match, per_conversation); }
    core::PageView add_page_view(const core::PageView& view) override { return hit("add_page_view"), inner_.add_page_view(view); }
    std::vector<core::PageView> list_page_views(Id workspace_id, Id contact_id, int limit) override { return hit("list_page_views"), inner_.list_page_views(workspace_id, contact_id, limit); }
    std::optional<core::Conversation> find_conversation(Id workspace_id, Id id) override { return hit("find_conversation"), inner_.find_conversation(workspace_id, id); }
    std::optional<core::Conversation> find_active_conversation(Id workspace_id, Id site_id, Id contact_id) override { return hit("find_active_conversation"), inner_.find_active_conversation(workspace_id, site_id, contact_id); }
    std::vector<core::Conversation> list_conversations(const ConversationFilter& filter) override { return hit("list_conversations"), inner_.list_conversations(filter); }
    store::ConversationCounts count_conversations(Id workspace_id, core::ConversationStatus status, Id agent_id) override { return hit("count_conversations"), inner_.count_conversations(workspace_id, status, agent_id); }
    std::optional<core::Conversation> set_conversation_status(Id workspace_id, Id id, core::ConversationStatus status, TimeMs now) override { return hit("set_conversation_status"), inner_.set_conversation_status(workspace_id, id, status, now); }
    std::optional<core::Conversation> assign_conversation(Id workspace_id, Id id, std::optional<Id> assignee, TimeMs now) override { return hit("assign_conversation"), inner_.assign_conversation(workspace_id, id, assignee, now); }
    std::vector<core::Conversation> list_queue(Id workspace_id, int limit, TimeMs after_created_at, Id after_id) override { return hit("list_queue"), inner_.list_queue(workspace_id, limit, after_created_at, after_id); }
    std::optional<core::Conversation> claim_conversation(Id workspace_id, Id id, Id agent_id, TimeMs now, bool within_capacity) override { return hit("claim_conversation"), inner_.claim_conversation(workspace_id, id, agent_id, now, within_capacity); }
    std::map<Id, int> count_open_chats(Id workspace_id) override { return hit("count_open_chats"), inner_.count_open_chats(workspace_id); }
    std::optional<core::Conversation> set_conversation_team(Id workspace_id, Id id, std::optional<Id> team_id, TimeMs now) override { return hit("set_conversation_team"), inner_.set_conversation_team(workspace_id, id, team_id, now); }
    std::vector<core::Conversation> mark_missed(Id workspace_id, Id contact_id, TimeMs now) override { return hit("mark_missed"), inner_.mark_missed(workspace_id, contact_id, now); }
    std::optional<core::Note> add_note(const core::Note& note) override { return hit("add_note"), inner_.add_note(note); }
    std::vector<core::Note> list_notes(Id workspace_id, Id conversation_id) override { return hit("list_notes"), inner_.list_notes(workspace_id, conversation_id); }
    std::vector<OutboxEmail> due_emails(TimeMs now, int limit) override { return hit("due_emails"), inner_.due_emails(now, limit); }
    void finish_email(Id id, TimeMs now, const std::string& error, std::optional<TimeMs> retry_at) override { return hit("finish_email"), inner_.finish_email(id, now, error, retry_at); }
    FileCreation create_file(const StoredFile& file) override { return hit("create_file"), inner_.create_file(file); }
    std::optional<StoredFile> find_file(Id workspace_id, const std::string& file_id) override { return hit("find_file"), inner_.find_file(workspace_id, file_id); }
    std::optional<StoredFile> find_uploaded_file(Id workspace_id, core::AuthorKind uploader_kind, Id uploader_id, const std::string& idempotency_key) override { return hit("find_uploaded_file"), inner_.find_uploaded_file(workspace_id, uploader_kind, uploader_id, idempotency_key); }
    std::vector<StoredFile> delete_unattached_files(TimeMs before, int limit) override { return hit("delete_unattached_files"), inner_.delete_unattached_files(before, limit); }
    std::vector<std::string> missing_files(const std::vector<std::string>& file_ids) override { return hit("missing_files"), inner_.missing_files(file_ids); }
    AppendResult append_message(const NewMessage& message) override { return hit("append_message"), inner_.append_message(message); }
    std::vector<core::Message> list_messages(Id workspace_id, Id conversation_id, Seq after_seq, Seq before_seq, int limit) override { return hit("list_messages"), inner_.list_messages(workspace_id, conversation_id, after_seq, before_seq, limit); }
    Seq set_read_mark(Id workspace_id, const core::ReadMark& mark) override { return hit("set_read_mark"), inner_.set_read_mark(workspace_id, mark); }
    std::vector<core::ReadMark> list_read_marks(Id workspace_id, Id conversation_id) override { return hit("list_read_marks"), inner_.list_read_marks(workspace_id, conversation_id); }
    std::optional<core::CannedResponse> create_canned_response(const core::CannedResponse& response) override { return hit("create_canned_response"), inner_.create_canned_response(response); }
    std::vector<core::CannedResponse> list_canned_responses(Id workspace_id) override { return hit("list_canned_responses"), inner_.list_canned_responses(workspace_id); }
    std::optional<core::CannedResponse> find_canned_response(Id workspace_id, Id id) override { return hit("find_canned_response"), inner_.find_canned_response(workspace_id, id); }
    bool update_canned_response(const core::CannedResponse& response) override { return hit("update_canned_response"), inner_.update_canned_response(response); }
    bool delete_canned_response(Id workspace_id, Id id) override { return hit("delete_canned_response"), inner_.delete_canned_response(workspace_id, id); }
    // clang-format on

    void add_page_view_async(core::PageView view,
                             std::function<void(std::optional<core::PageView>)> done) override {
        if (failing()) return done(std::nullopt);
        inner_.add_page_view_async(std::move(view), std::move(done));
    }
    void append_message_async(NewMessage message, std::function<void(AppendResult)> done) override {
        if (failing()) {
            AppendResult failed;
            failed.error = "injected failure";
            return done(failed);
        }
        {
            std::lock_guard lock(mutex_);
            if (holding_) {
                held_.emplace_back(std::move(message), std::move(done));
                return;
            }
        }
        inner_.append_message_async(std::move(message), std::move(done));
    }
    void set_read_mark_async(Id workspace_id, core::ReadMark mark,
                             std::function<void(std::optional<Seq>)> done) override {
        if (failing()) return done(std::nullopt);
        inner_.set_read_mark_async(workspace_id, mark, std::move(done));
    }
    bool probe_writable() override { return !failing() && inner_.probe_writable(); }
    void flush() override { inner_.flush(); }
    store::StoreStats stats() override { return inner_.stats(); }

private:
    // Whether this call fails; counts it.
    bool failing() {
        const bool fails = failing_ || (countdown_ > 0 && --countdown_ == 0);
        if (fails) ++failures_;
        return fails;
    }
    // Throws for a failing call; a comma operand before the forwarded call.
    int hit(const char* method) {
        if (failing()) throw store::StoreError(std::string("injected failure in ") + method);
        return 0;
    }

    store::Store& inner_;
    std::atomic<bool> failing_{false};
    std::atomic<std::int64_t> countdown_{0};
    std::atomic<std::int64_t> failures_{0};
    std::mutex mutex_;
    bool holding_ = false;  // guarded by mutex_
    std::vector<std::pair<store::NewMessage, std::function<void(store::AppendResult)>>>
        held_;  // guarded by mutex_
};

}  // namespace juttu::testing
