// The Store on one SQLite file in WAL mode.
//
// Writes all go through one group-committing Writer (writer.hpp); reads use a pool of
// read-only connections, each used by one thread at a time, created on demand and
// reused. WAL lets those reads run alongside the writer's transaction.
//
// Beyond store.hpp:
//  - Deletion rules (see migrations.cpp): delete_site deletes the site's conversations
//    with their messages and read marks, and leaves the workspace's contacts (site_id
//    reads 0 for a contact whose first site was deleted); delete_agent deletes its
//    sessions and read marks and unassigns its conversations, keeping its messages.
//  - create_site and create_agent keep the created_at they are given (the store never
//    reads the clock); create_contact starts at visits = 1 and, for a token that
//    already exists, returns the existing contact. create_contact and add_page_view
//    return id 0 and store nothing when the site or contact is not in the workspace.
//  - update_agent also changes the email when a non-empty one is given.
//  - Messages with an empty client_id are never treated as duplicates.
//  - append_message reports database failures as Status::failed, like the async form.
//  - A non-positive limit returns nothing.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "store/sqlite/checkpointer.hpp"
#include "store/sqlite/message_indexer.hpp"
#include "store/sqlite/sqlite_db.hpp"
#include "store/sqlite/writer.hpp"
#include "store/store.hpp"

namespace juttu::store::sqlite {

class SqliteStore final : public Store {
public:
    // Opens (creating if needed) the database file and applies pending migrations.
    // The directory must exist.
    static std::unique_ptr<SqliteStore> open(const std::filesystem::path& file,
                                             Writer::Options writer = {});

    SqliteStore(const SqliteStore&) = delete;
    SqliteStore& operator=(const SqliteStore&) = delete;
    // Finishes every queued write before closing.
    ~SqliteStore() override;

    core::Workspace create_workspace(const std::string& name, TimeMs now) override;
    std::optional<core::Workspace> find_workspace(Id id) override;
    std::optional<core::Workspace> find_workspace_by_name(const std::string& name) override;
    bool has_workspaces() override;
    std::optional<Membership> create_workspace_for(const std::string& name,
                                                   const core::Agent& admin, TimeMs now) override;

    core::Site create_site(const core::Site& site) override;
    std::optional<core::Site> find_site(Id workspace_id, Id site_id) override;
    std::optional<core::Site> find_site_by_key(const std::string& key) override;
    std::vector<core::Site> list_sites(Id workspace_id) override;
    bool update_site(const core::Site& site) override;
    bool delete_site(Id workspace_id, Id site_id) override;
    std::optional<core::IdentitySecret> add_identity_secret(Id workspace_id, Id site_id,
                                                            const std::string& secret,
                                                            TimeMs now) override;
    bool remove_identity_secret(Id workspace_id, Id site_id, int n) override;

    std::optional<core::Agent> create_agent(const core::Agent& agent,
                                            const std::string& password_hash) override;
    std::optional<core::Agent> find_agent(Id workspace_id, Id agent_id) override;
    std::optional<AgentCredentials> find_agent_by_email(const std::string& email) override;
    std::vector<Membership> list_memberships(Id account_id) override;
    std::optional<core::Agent> add_membership(const core::Agent& agent) override;
    std::vector<core::Agent> list_agents(Id workspace_id) override;
    bool update_agent(const core::Agent& agent) override;
    bool set_agent_password(Id workspace_id, Id agent_id,
                            const std::string& password_hash) override;
    bool delete_agent(Id workspace_id, Id agent_id) override;

    std::optional<core::CannedResponse> create_canned_response(
        const core::CannedResponse& response) override;
    std::vector<core::CannedResponse> list_canned_responses(Id workspace_id) override;
    std::optional<core::CannedResponse> find_canned_response(Id workspace_id, Id id) override;
    bool update_canned_response(const core::CannedResponse& response) override;
    bool delete_canned_response(Id workspace_id, Id id) override;

    FileCreation create_file(const StoredFile& file) override;
    std::optional<StoredFile> find_file(Id workspace_id, const std::string& file_id) override;
    std::optional<StoredFile> find_uploaded_file(Id workspace_id, core::AuthorKind uploader_kind,
                                                 Id uploader_id,
                                                 const std::string& idempotency_key) override;
    std::vector<StoredFile> delete_unattached_files(TimeMs before, int limit) override;
    std::vector<std::string> missing_files(const std::vector<std::string>& file_ids) override;
    std::optional<core::Team> create_team(const core::Team& team) override;
    std::vector<core::Team> list_teams(Id workspace_id) override;
    std::optional<core::Team> find_team(Id workspace_id, Id team_id) override;
    bool update_team(const core::Team& team) override;
    bool delete_team(Id workspace_id, Id team_id) override;

    std::vector<core::Conversation> list_queue(Id workspace_id, int limit, TimeMs after_created_at,
                                               Id after_id) override;
    std::optional<core::Conversation> claim_conversation(Id workspace_id, Id id, Id agent_id,
                                                         TimeMs now, bool within_capacity) override;
    std::map<Id, int> count_open_chats(Id workspace_id) override;
    std::optional<core::Conversation> set_conversation_team(Id workspace_id, Id id,
                                                            std::optional<Id> team_id,
                                                            TimeMs now) override;
    std::vector<core::Conversation> mark_missed(Id workspace_id, Id contact_id,
                                                TimeMs now) override;

    std::optional<core::Note> add_note(const core::Note& note) override;
    std::vector<core::Note> list_notes(Id workspace_id, Id conversation_id) override;

    std::vector<OutboxEmail> due_emails(TimeMs now, int limit) override;
    void finish_email(Id id, TimeMs now, const std::string& error,
                      std::optional<TimeMs> retry_at) override;

    Id create_session(Id agent_id, const std::string& token_hash, TimeMs now,
                      TimeMs expires_at) override;
    std::optional<SessionInfo> find_session(const std::string& token_hash, TimeMs now) override;
    bool delete_session(Id session_id) override;
    std::vector<Id> delete_agent_sessions(Id agent_id, std::optional<Id> keep) override;
    std::vector<Id> delete_account_sessions(Id account_id, std::optional<Id> keep) override;
    std::vector<Id> live_sessions(const std::vector<Id>& session_ids, TimeMs now) override;

    core::Contact create_contact(Id workspace_id, Id site_id, const std::string& token_hash,
                                 TimeMs now) override;
    std::optional<core::Contact> find_contact_by_token(Id workspace_id,
                                                       const std::string& token_hash) override;
    std::optional<core::Contact> find_contact(Id workspace_id, Id contact_id) override;
    VisitorArrival arrive_visitor(Id workspace_id, Id site_id, const std::string& token_hash,
                                  const std::string& new_token_hash, TimeMs now,
                                  const std::map<std::string, std::string>& context) override;
    VisitorArrival arrive_verified(const VerifiedVisit& visit) override;
    bool update_contact(const core::Contact& contact) override;
    std::vector<core::Contact> list_contacts(const ContactFilter& filter) override;

    core::PageView add_page_view(const core::PageView& view) override;
    void add_page_view_async(core::PageView view,
                             std::function<void(std::optional<core::PageView>)> done) override;
    std::vector<core::PageView> list_page_views(Id workspace_id, Id contact_id, int limit) override;

    std::optional<core::Conversation> find_conversation(Id workspace_id, Id id) override;
    std::optional<core::Conversation> find_active_conversation(Id workspace_id, Id site_id,
                                                               Id contact_id) override;
    std::vector<core::Conversation> list_conversations(const ConversationFilter& filter) override;
    ConversationCounts count_conversations(Id workspace_id, core::ConversationStatus status,
                                           Id agent_id) override;
    std::optional<core::Conversation> set_conversation_status(Id workspace_id, Id id,
                                                              core::ConversationStatus status,
                                                              TimeMs now) override;
    std::optional<core::Conversation> assign_conversation(Id workspace_id, Id id,
                                                          std::optional<Id> assignee,
                                                          TimeMs now) override;

    AppendResult append_message(const NewMessage& message) override;
    void append_message_async(NewMessage message, std::function<void(AppendResult)> done) override;
    std::vector<core::Message> list_messages(Id workspace_id, Id conversation_id, Seq after_seq,
                                             Seq before_seq, int limit) override;
    std::vector<core::Message> matching_messages(Id workspace_id,
                                                 const std::vector<Id>& conversation_ids,
                                                 const std::string& text_match,
                                                 int per_conversation) override;

    Seq set_read_mark(Id workspace_id, const core::ReadMark& mark) override;
    void set_read_mark_async(Id workspace_id, core::ReadMark mark,
                             std::function<void(std::optional<Seq>)> done) override;
    std::vector<core::ReadMark> list_read_marks(Id workspace_id, Id conversation_id) override;

    bool probe_writable() override;
    void flush() override;
    StoreStats stats() override;

private:
    // A pooled read connection, returned to the pool when destroyed.
    class ReadLease {
    public:
        ReadLease(SqliteStore& store, std::unique_ptr<Database> db)
            : store_(&store), db_(std::move(db)) {}
        ReadLease(const ReadLease&) = delete;
        ReadLease& operator=(const ReadLease&) = delete;
        ~ReadLease() { store_->release(std::move(db_)); }
        Database& operator*() const { return *db_; }
        Database* operator->() const { return db_.get(); }

    private:
        SqliteStore* store_;
        std::unique_ptr<Database> db_;
    };

    SqliteStore(std::filesystem::path file, std::unique_ptr<Database> write_db,
                std::unique_ptr<Checkpointer> checkpointer, Writer::Options writer);

    ReadLease read();
    // append_in, and the message noted for the search index (writer thread).
    AppendResult append_indexed(Database& db, const NewMessage& message);
    void release(std::unique_ptr<Database> db) noexcept;
    // Fills team_ids of agents of one workspace.
    void load_team_ids(Database& db, Id workspace_id, std::vector<core::Agent>& agents);
    std::vector<Id> delete_sessions(const char* sql, Id owner, std::optional<Id> keep);
    // The reader's mark when it is already as high as `mark` asks (0 when the
    // conversation is not the workspace's): nothing to write.
    std::optional<Seq> stored_read_mark(Id workspace_id, const core::ReadMark& mark);

    std::filesystem::path file_;
    std::mutex pool_mutex_;
    std::vector<std::unique_ptr<Database>> idle_readers_;  // guarded by pool_mutex_
    // Before writer_: the write connection's commit hook points at it.
    std::unique_ptr<Checkpointer> checkpointer_;
    MessageIndexer indexer_;  // before writer_, whose transactions call it
    Writer writer_;
};

}  // namespace juttu::store::sqlite
