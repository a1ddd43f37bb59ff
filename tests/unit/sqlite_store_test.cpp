// The Store contract, written against Store& so another backend can run the same
// suite: add a Backend to the INSTANTIATE_TEST_SUITE_P list below. The SQLite-only
// tests (migrations, the writer's batching and failure handling) follow the suite.
#include "store/sqlite/sqlite_store.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/search_text.hpp"
#include "core/visits.hpp"
#include "store/sqlite/migrations.hpp"
#include "store/sqlite/sqlite_db.hpp"
#include "store/sqlite/writer.hpp"
#include "store/store.hpp"
#include "temp_dir.hpp"

namespace juttu::store {
namespace {

namespace fs = std::filesystem;
using core::AuthorKind;
using core::ConversationStatus;
using Status = AppendResult::Status;

using testing::TempDir;

struct Backend {
    std::string name;
    // Opens the store kept in `dir`; opening the same dir again must find the same data.
    std::function<std::unique_ptr<Store>(const fs::path& dir)> open;
};

Backend sqlite_backend() {
    return Backend{"sqlite", [](const fs::path& dir) -> std::unique_ptr<Store> {
                       return sqlite::SqliteStore::open(dir / "juttu.db");
                   }};
}

// One workspace with a site, a contact and an agent.
struct Tenant {
    core::Workspace workspace;
    core::Site site;
    core::Contact contact;
    core::Agent agent;
};

// Waits until `count` callbacks have arrived.
class Countdown {
public:
    explicit Countdown(std::size_t count) : count_(count) {}
    void arrive() {
        std::lock_guard lock(mutex_);
        if (--count_ == 0) done_.notify_all();
    }
    bool wait_for(std::chrono::seconds timeout) {
        std::unique_lock lock(mutex_);
        return done_.wait_for(lock, timeout, [this] { return count_ == 0; });
    }

private:
    std::mutex mutex_;
    std::condition_variable done_;
    std::size_t count_;
};

class StoreContract : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override { store_ = GetParam().open(dir_.path()); }

    Store& store() { return *store_; }

    void reopen() {
        store_.reset();
        store_ = GetParam().open(dir_.path());
    }

    Tenant make_tenant(const std::string& name, TimeMs now = 1'000) {
        Tenant tenant;
        tenant.workspace = store().create_workspace(name, now);
        core::Site site;
        site.workspace_id = tenant.workspace.id;
        site.key = name + "-site-key";
        site.name = name + " shop";
        site.allowed_origins = {"https://" + name + ".example", "https://www." + name + ".example"};
        site.greeting = "Hello from " + name;
        site.color = "#336699";
        site.created_at = now;
        tenant.site = store().create_site(site);
        tenant.contact =
            store().create_contact(tenant.workspace.id, tenant.site.id, name + "-token", now);
        core::Agent agent;
        agent.workspace_id = tenant.workspace.id;
        agent.email = name + "@agents.example";
        agent.name = "Agent of " + name;
        agent.role = core::Role::admin;
        agent.created_at = now;
        tenant.agent = store().create_agent(agent, "argon2-" + name).value();
        return tenant;
    }

    core::Contact make_contact(const Tenant& tenant, const std::string& token, TimeMs now = 1'000) {
        return store().create_contact(tenant.workspace.id, tenant.site.id, token, now);
    }

    static NewMessage visitor_message(const Tenant& tenant, const core::Contact& contact,
                                      const std::string& client_id, const std::string& body,
                                      TimeMs at) {
        NewMessage message;
        message.workspace_id = tenant.workspace.id;
        message.site_id = tenant.site.id;
        message.contact_id = contact.id;
        message.client_id = client_id;
        message.author_kind = AuthorKind::visitor;
        message.author_id = contact.id;
        message.body = body;
        message.at = at;
        return message;
    }

    static NewMessage agent_message(const Tenant& tenant, Id conversation_id,
                                    const std::string& client_id, const std::string& body,
                                    TimeMs at) {
        NewMessage message;
        message.workspace_id = tenant.workspace.id;
        message.conversation_id = conversation_id;
        message.client_id = client_id;
        message.author_kind = AuthorKind::agent;
        message.author_id = tenant.agent.id;
        message.body = body;
        message.at = at;
        return message;
    }

    // What appending the message came to (stored, duplicate, refused...).
    Status status_of(const NewMessage& message) { return store().append_message(message).status; }

    // Starts a conversation for `contact` with one visitor message at `at`.
    core::Conversation start_conversation(const Tenant& tenant, const core::Contact& contact,
                                          TimeMs at) {
        AppendResult result = store().append_message(
            visitor_message(tenant, contact, "start-" + std::to_string(at), "hi", at));
        EXPECT_EQ(result.status, Status::stored) << result.error;
        return result.conversation;
    }

    static ConversationFilter filter_for(const Tenant& tenant, int limit = 50) {
        ConversationFilter filter;
        filter.workspace_id = tenant.workspace.id;
        filter.limit = limit;
        return filter;
    }

    std::vector<Id> conversation_ids(const ConversationFilter& filter) {
        std::vector<Id> ids;
        for (const core::Conversation& conversation : store().list_conversations(filter)) {
            ids.push_back(conversation.id);
        }
        return ids;
    }

    // The tenant's conversations listed a page at a time, each page after the last row
    // of the one before (the console's cursor).
    std::vector<Id> paged_ids(const Tenant& tenant, int page_size) {
        return paged_ids(filter_for(tenant, page_size));
    }

    std::vector<Id> paged_ids(ConversationFilter page) {
        const int page_size = page.limit;
        std::vector<Id> ids;
        for (int pages = 0; pages < 100; ++pages) {
            std::vector<core::Conversation> rows = store().list_conversations(page);
            for (const core::Conversation& row : rows) ids.push_back(row.id);
            if (static_cast<int>(rows.size()) < page_size) break;
            page.before_updated_at = rows.back().updated_at;
            page.before_id = rows.back().id;
        }
        return ids;
    }

    static std::vector<Seq> seqs(const std::vector<core::Message>& messages) {
        std::vector<Seq> result;
        for (const core::Message& message : messages) result.push_back(message.seq);
        return result;
    }

    TempDir dir_;
    std::unique_ptr<Store> store_;
};

// --- Schema and persistence ---

TEST_P(StoreContract, DataSurvivesCloseAndReopen) {
    EXPECT_FALSE(store().has_workspaces());
    Tenant tenant = make_tenant("acme");
    AppendResult first =
        store().append_message(visitor_message(tenant, tenant.contact, "c1", "hello", 2'000));
    ASSERT_EQ(first.status, Status::stored) << first.error;

    reopen();
    reopen();  // opening an up-to-date database applies nothing and loses nothing

    EXPECT_TRUE(store().has_workspaces());
    EXPECT_EQ(store().find_workspace_by_name("acme")->id, tenant.workspace.id);
    EXPECT_EQ(store().find_site_by_key("acme-site-key")->id, tenant.site.id);
    EXPECT_EQ(store().find_agent_by_email("acme@agents.example")->password_hash, "argon2-acme");
    EXPECT_EQ(store().find_contact_by_token(tenant.workspace.id, "acme-token")->id,
              tenant.contact.id);
    std::optional<core::Conversation> conversation =
        store().find_conversation(tenant.workspace.id, first.conversation.id);
    ASSERT_TRUE(conversation);
    EXPECT_EQ(conversation->last_seq, 1);
    EXPECT_EQ(conversation->last_message_preview, "hello");

    // The reopened store keeps appending where it left off.
    AppendResult second =
        store().append_message(visitor_message(tenant, tenant.contact, "c2", "again", 3'000));
    EXPECT_EQ(second.status, Status::stored);
    EXPECT_EQ(second.conversation.id, first.conversation.id);
    EXPECT_EQ(second.message.seq, 2);
}

// --- Workspaces, sites, agents ---

TEST_P(StoreContract, Workspaces) {
    EXPECT_FALSE(store().has_workspaces());
    core::Workspace workspace = store().create_workspace("acme", 1'234);
    EXPECT_GT(workspace.id, 0);
    EXPECT_EQ(workspace.name, "acme");
    EXPECT_EQ(workspace.created_at, 1'234);
    EXPECT_TRUE(store().has_workspaces());

    std::optional<core::Workspace> found = store().find_workspace(workspace.id);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->name, "acme");
    EXPECT_EQ(found->created_at, 1'234);
    EXPECT_EQ(store().find_workspace_by_name("acme")->id, workspace.id);
    EXPECT_FALSE(store().find_workspace_by_name("other"));
    EXPECT_FALSE(store().find_workspace(workspace.id + 100));
    // Names are unique; a clash is a caller error the store reports by throwing.
    EXPECT_THROW(store().create_workspace("acme", 2'000), StoreError);
}

TEST_P(StoreContract, CannedResponsesAreUniquePerWorkspaceAndScoped) {
    Tenant a = make_tenant("acme");
    Tenant b = make_tenant("globex");
    core::CannedResponse draft{0,          a.workspace.id, "shipping", "Shipping",
                               "1-2 days", std::nullopt,   "",         1'000};
    auto created = store().create_canned_response(draft);
    ASSERT_TRUE(created.has_value());
    EXPECT_GT(created->id, 0);
    EXPECT_FALSE(store().create_canned_response(draft).has_value());  // shortcut taken
    draft.workspace_id = b.workspace.id;
    EXPECT_TRUE(store().create_canned_response(draft).has_value());  // other workspace: fine

    EXPECT_EQ(store().list_canned_responses(a.workspace.id).size(), 1U);
    EXPECT_FALSE(store().find_canned_response(b.workspace.id, created->id).has_value());
    core::CannedResponse foreign = *created;
    foreign.workspace_id = b.workspace.id;
    foreign.body = "hijacked";
    EXPECT_FALSE(store().update_canned_response(foreign));
    EXPECT_FALSE(store().delete_canned_response(b.workspace.id, created->id));
    EXPECT_EQ(store().find_canned_response(a.workspace.id, created->id)->body, "1-2 days");

    core::CannedResponse changed = *created;
    changed.body = "Same day";
    EXPECT_TRUE(store().update_canned_response(changed));
    EXPECT_EQ(store().find_canned_response(a.workspace.id, created->id)->body, "Same day");
    EXPECT_TRUE(store().delete_canned_response(a.workspace.id, created->id));
    EXPECT_TRUE(store().list_canned_responses(a.workspace.id).empty());
}

TEST_P(StoreContract, SiteTextsPerLanguageSurviveAnyCharacter) {
    Tenant acme = make_tenant("acme");
    core::Site site = acme.site;
    site.offline_message = "Back at 9;\nleave a message";
    site.translations = {{"sv", "Hej; 12;3;\t", ""},
                         {"fi-FI", "", "Olemme poissa; 7;7;"},
                         {"et", "Tere \xc3\xb5htust", "Oleme \xc3\xa4ra"}};
    ASSERT_TRUE(store().update_site(site));
    for (int pass = 0; pass < 2; ++pass) {
        auto read = store().find_site(acme.workspace.id, site.id);
        ASSERT_TRUE(read);
        EXPECT_EQ(read->offline_message, site.offline_message);
        EXPECT_EQ(read->translations, site.translations);
        reopen();
    }
    site.translations.clear();
    ASSERT_TRUE(store().update_site(site));
    EXPECT_TRUE(store().find_site_by_key(site.key)->translations.empty());
}

TEST_P(StoreContract, ASavedReplysShortcutOncePerLanguage) {
    Tenant acme = make_tenant("acme");
    core::CannedResponse reply;
    reply.workspace_id = acme.workspace.id;
    reply.shortcut = "shipping";
    reply.title = "Shipping";
    reply.body = "We ship in two days.";
    reply.created_at = 1'000;
    auto any = store().create_canned_response(reply);
    ASSERT_TRUE(any);
    reply.language = "fi";
    reply.body = "Toimitamme kahdessa päivässä.";
    auto finnish = store().create_canned_response(reply);
    ASSERT_TRUE(finnish);
    EXPECT_FALSE(store().create_canned_response(reply));  // the same shortcut and language
    auto listed = store().list_canned_responses(acme.workspace.id);
    ASSERT_EQ(listed.size(), 2U);
    EXPECT_EQ(listed[0].language, "");
    EXPECT_EQ(listed[1].language, "fi");
    EXPECT_EQ(listed[1].body, "Toimitamme kahdessa päivässä.");
    core::CannedResponse moved = *any;
    moved.language = "fi";  // onto the Finnish one's key
    EXPECT_FALSE(store().update_canned_response(moved));
    moved.language = "sv";
    EXPECT_TRUE(store().update_canned_response(moved));
    EXPECT_EQ(store().find_canned_response(acme.workspace.id, any->id)->language, "sv");
}

TEST_P(StoreContract, SiteCrud) {
    Tenant acme = make_tenant("acme");
    Tenant other = make_tenant("other");

    std::optional<core::Site> found = store().find_site(acme.workspace.id, acme.site.id);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->key, "acme-site-key");
    EXPECT_EQ(found->name, "acme shop");
    EXPECT_EQ(found->allowed_origins,
              (std::vector<std::string>{"https://acme.example", "https://www.acme.example"}));
    EXPECT_EQ(found->greeting, "Hello from acme");
    EXPECT_EQ(found->color, "#336699");
    EXPECT_EQ(found->created_at, 1'000);
    EXPECT_EQ(store().find_site_by_key("acme-site-key")->workspace_id, acme.workspace.id);
    EXPECT_FALSE(store().find_site_by_key("nope"));

    core::Site second = acme.site;
    second.key = "acme-second";
    second.name = "second";
    second.allowed_origins = {};
    second = store().create_site(second);
    EXPECT_NE(second.id, acme.site.id);
    std::vector<core::Site> sites = store().list_sites(acme.workspace.id);
    ASSERT_EQ(sites.size(), 2u);
    EXPECT_EQ(sites[0].id, acme.site.id);
    EXPECT_EQ(sites[1].id, second.id);
    EXPECT_TRUE(sites[1].allowed_origins.empty());
    EXPECT_THROW(store().create_site(second), StoreError);  // the key is taken

    core::Site changed = second;
    changed.name = "renamed";
    changed.allowed_origins = {"https://new.example"};
    changed.greeting = "Welcome";
    changed.color = "#000000";
    changed.key = "ignored";  // the key is not updatable
    EXPECT_TRUE(store().update_site(changed));
    found = store().find_site(acme.workspace.id, second.id);
    EXPECT_EQ(found->name, "renamed");
    EXPECT_EQ(found->allowed_origins, std::vector<std::string>{"https://new.example"});
    EXPECT_EQ(found->greeting, "Welcome");
    EXPECT_EQ(found->color, "#000000");
    EXPECT_EQ(found->key, "acme-second");

    // Another workspace can neither see nor change nor delete it.
    EXPECT_FALSE(store().find_site(other.workspace.id, second.id));
    core::Site foreign = changed;
    foreign.workspace_id = other.workspace.id;
    foreign.name = "hijacked";
    EXPECT_FALSE(store().update_site(foreign));
    EXPECT_FALSE(store().delete_site(other.workspace.id, second.id));
    EXPECT_EQ(store().find_site(acme.workspace.id, second.id)->name, "renamed");

    EXPECT_TRUE(store().delete_site(acme.workspace.id, second.id));
    EXPECT_FALSE(store().find_site(acme.workspace.id, second.id));
    EXPECT_FALSE(store().delete_site(acme.workspace.id, second.id));
    EXPECT_EQ(store().list_sites(acme.workspace.id).size(), 1u);
}

TEST_P(StoreContract, DeletingASiteDeletesItsConversationsButKeepsContacts) {
    Tenant acme = make_tenant("acme");
    core::Site second = acme.site;
    second.key = "acme-second";
    second = store().create_site(second);
    core::Contact from_second =
        store().create_contact(acme.workspace.id, second.id, "second-token", 1'000);

    NewMessage on_second = visitor_message(acme, from_second, "s1", "on second", 2'000);
    on_second.site_id = second.id;
    AppendResult doomed = store().append_message(on_second);
    ASSERT_EQ(doomed.status, Status::stored);
    // The same contact also talks on the first site.
    AppendResult kept =
        store().append_message(visitor_message(acme, from_second, "s2", "on first", 2'100));
    ASSERT_EQ(kept.status, Status::stored);
    store().set_read_mark(acme.workspace.id, core::ReadMark{doomed.conversation.id,
                                                            AuthorKind::agent, acme.agent.id, 1});
    store().add_page_view(
        core::PageView{0, acme.workspace.id, from_second.id, "https://a", "", "", 2'000});

    ASSERT_TRUE(store().delete_site(acme.workspace.id, second.id));

    EXPECT_FALSE(store().find_conversation(acme.workspace.id, doomed.conversation.id));
    EXPECT_TRUE(store().list_messages(acme.workspace.id, doomed.conversation.id, 0, 0, 10).empty());
    EXPECT_TRUE(store().list_read_marks(acme.workspace.id, doomed.conversation.id).empty());
    std::optional<core::Contact> contact = store().find_contact(acme.workspace.id, from_second.id);
    ASSERT_TRUE(contact);
    EXPECT_EQ(contact->site_id, 0);  // its first site is gone
    EXPECT_TRUE(store().find_conversation(acme.workspace.id, kept.conversation.id));
    EXPECT_EQ(store().list_page_views(acme.workspace.id, from_second.id, 10).size(), 1u);
}

TEST_P(StoreContract, AgentCrudAndUniqueEmail) {
    Tenant acme = make_tenant("acme");
    Tenant other = make_tenant("other");

    std::optional<core::Agent> found = store().find_agent(acme.workspace.id, acme.agent.id);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->email, "acme@agents.example");
    EXPECT_EQ(found->name, "Agent of acme");
    EXPECT_EQ(found->role, core::Role::admin);
    EXPECT_FALSE(found->disabled);
    EXPECT_EQ(found->created_at, 1'000);
    EXPECT_FALSE(store().find_agent(other.workspace.id, acme.agent.id));

    // Emails are unique across the server, whatever the case.
    core::Agent clash;
    clash.workspace_id = other.workspace.id;
    clash.email = "ACME@agents.example";
    clash.name = "Impostor";
    EXPECT_FALSE(store().create_agent(clash, "hash"));

    std::optional<AgentCredentials> credentials =
        store().find_agent_by_email("Acme@Agents.Example");
    ASSERT_TRUE(credentials);
    EXPECT_EQ(credentials->agent.id, acme.agent.id);
    EXPECT_EQ(credentials->password_hash, "argon2-acme");
    EXPECT_FALSE(store().find_agent_by_email("nobody@agents.example"));

    core::Agent second;
    second.workspace_id = acme.workspace.id;
    second.email = "second@agents.example";
    second.name = "Second";
    second.role = core::Role::agent;
    second.created_at = 5'000;
    second = store().create_agent(second, "h2").value();
    std::vector<core::Agent> agents = store().list_agents(acme.workspace.id);
    ASSERT_EQ(agents.size(), 2u);
    EXPECT_EQ(agents[0].id, acme.agent.id);
    EXPECT_EQ(agents[1].id, second.id);
    EXPECT_EQ(store().list_agents(other.workspace.id).size(), 1u);

    core::Agent changed = second;
    changed.name = "Renamed";
    changed.role = core::Role::admin;
    changed.disabled = true;
    EXPECT_TRUE(store().update_agent(changed));
    found = store().find_agent(acme.workspace.id, second.id);
    EXPECT_EQ(found->name, "Renamed");
    EXPECT_EQ(found->role, core::Role::admin);
    EXPECT_TRUE(found->disabled);

    changed.email = "other@agents.example";  // taken by the other workspace's agent
    EXPECT_FALSE(store().update_agent(changed));
    changed.email = "fresh@agents.example";
    EXPECT_TRUE(store().update_agent(changed));
    EXPECT_EQ(store().find_agent_by_email("fresh@agents.example")->agent.id, second.id);

    core::Agent foreign = changed;
    foreign.workspace_id = other.workspace.id;
    EXPECT_FALSE(store().update_agent(foreign));
    foreign.id = 999'999;
    foreign.workspace_id = acme.workspace.id;
    EXPECT_FALSE(store().update_agent(foreign));

    EXPECT_TRUE(store().set_agent_password(acme.workspace.id, second.id, "new-hash"));
    EXPECT_EQ(store().find_agent_by_email("fresh@agents.example")->password_hash, "new-hash");
    EXPECT_FALSE(store().set_agent_password(other.workspace.id, second.id, "stolen"));
    EXPECT_EQ(store().find_agent_by_email("fresh@agents.example")->password_hash, "new-hash");

    EXPECT_FALSE(store().delete_agent(other.workspace.id, second.id));
    EXPECT_TRUE(store().delete_agent(acme.workspace.id, second.id));
    EXPECT_FALSE(store().find_agent(acme.workspace.id, second.id));
    EXPECT_FALSE(store().delete_agent(acme.workspace.id, second.id));
    // The email is free again.
    second.email = "fresh@agents.example";
    EXPECT_TRUE(store().create_agent(second, "h3"));
}

TEST_P(StoreContract, DeletingAnAgentUnassignsAndEndsSessions) {
    Tenant acme = make_tenant("acme");
    core::Agent helper;
    helper.workspace_id = acme.workspace.id;
    helper.email = "helper@agents.example";
    helper.name = "Helper";
    helper = store().create_agent(helper, "h").value();

    core::Conversation conversation = start_conversation(acme, acme.contact, 2'000);
    ASSERT_TRUE(store().assign_conversation(acme.workspace.id, conversation.id, helper.id, 2'100));
    store().create_session(helper.id, "helper-session", 2'000, 100'000);
    store().set_read_mark(acme.workspace.id,
                          core::ReadMark{conversation.id, AuthorKind::agent, helper.id, 1});
    AppendResult reply =
        store().append_message(agent_message(acme, conversation.id, "r1", "reply", 2'200));
    ASSERT_EQ(reply.status, Status::stored);

    ASSERT_TRUE(store().delete_agent(acme.workspace.id, helper.id));

    std::optional<core::Conversation> after =
        store().find_conversation(acme.workspace.id, conversation.id);
    ASSERT_TRUE(after);
    EXPECT_FALSE(after->assignee_id);
    EXPECT_FALSE(store().find_session("helper-session", 3'000));
    EXPECT_TRUE(store().list_read_marks(acme.workspace.id, conversation.id).empty());
    EXPECT_EQ(store().list_messages(acme.workspace.id, conversation.id, 0, 0, 10).size(), 2u);
}

TEST_P(StoreContract, APersonWorksInSeveralWorkspacesWithOneAccount) {
    Tenant acme = make_tenant("acme");
    Tenant other = make_tenant("other");
    core::Agent creator = acme.agent;
    creator.capacity = 7;
    creator.languages = {"fi", "en"};

    std::optional<Membership> made = store().create_workspace_for("Acme outlet", creator, 2'000);
    ASSERT_TRUE(made);
    EXPECT_EQ(made->workspace.name, "Acme outlet");
    EXPECT_EQ(made->workspace.created_at, 2'000);
    const core::Agent& outlet = made->agent;
    EXPECT_NE(outlet.id, acme.agent.id);
    EXPECT_EQ(outlet.workspace_id, made->workspace.id);
    EXPECT_EQ(outlet.account_id, acme.agent.account_id);
    EXPECT_EQ(outlet.role, core::Role::admin);
    EXPECT_EQ(outlet.capacity, 7);
    // A taken name makes nothing.
    EXPECT_FALSE(store().create_workspace_for("other", creator, 2'000));

    // The membership reads as an agent of its workspace, with the account's e-mail.
    std::optional<core::Agent> found = store().find_agent(made->workspace.id, outlet.id);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->email, "acme@agents.example");
    EXPECT_EQ(found->languages, (std::vector<std::string>{"fi", "en"}));
    EXPECT_FALSE(store().find_agent(acme.workspace.id, outlet.id));
    EXPECT_EQ(store().list_agents(made->workspace.id).size(), 1u);
    EXPECT_EQ(store().list_agents(acme.workspace.id).size(), 1u);

    std::vector<Membership> memberships = store().list_memberships(acme.agent.account_id);
    ASSERT_EQ(memberships.size(), 2u);
    EXPECT_EQ(memberships[0].workspace.id, acme.workspace.id);
    EXPECT_EQ(memberships[0].agent.id, acme.agent.id);
    EXPECT_EQ(memberships[1].workspace.name, "Acme outlet");
    EXPECT_EQ(store().list_memberships(other.agent.account_id).size(), 1u);
    // Login finds the oldest membership.
    EXPECT_EQ(store().find_agent_by_email("acme@agents.example")->agent.id, acme.agent.id);
    // Another person joins the outlet with their own account; once.
    core::Agent joining = other.agent;
    joining.workspace_id = made->workspace.id;
    joining.name = "Other in the outlet";
    std::optional<core::Agent> joined = store().add_membership(joining);
    ASSERT_TRUE(joined);
    EXPECT_EQ(store().find_agent(made->workspace.id, joined->id)->email, "other@agents.example");
    EXPECT_FALSE(store().add_membership(joining));
    EXPECT_EQ(store().list_memberships(other.agent.account_id).size(), 2u);
    ASSERT_TRUE(store().delete_agent(made->workspace.id, joined->id));

    // One password for both; a workspace cannot set another account's.
    EXPECT_TRUE(store().set_agent_password(made->workspace.id, outlet.id, "changed"));
    EXPECT_EQ(store().find_agent_by_email("acme@agents.example")->password_hash, "changed");
    EXPECT_FALSE(store().set_agent_password(made->workspace.id, other.agent.id, "stolen"));
    EXPECT_EQ(store().find_agent_by_email("other@agents.example")->password_hash, "argon2-other");

    // A session belongs to one membership; the account's sessions end together.
    store().create_session(acme.agent.id, "in-acme", 1'000, 100'000);
    store().create_session(outlet.id, "in-outlet", 1'000, 100'000);
    Id kept = store().create_session(outlet.id, "kept", 1'000, 100'000);
    store().create_session(other.agent.id, "in-other", 1'000, 100'000);
    EXPECT_EQ(store().find_session("in-outlet", 2'000)->agent.workspace_id, made->workspace.id);
    EXPECT_EQ(store().delete_account_sessions(acme.agent.account_id, kept).size(), 2u);
    EXPECT_FALSE(store().find_session("in-acme", 2'000));
    EXPECT_FALSE(store().find_session("in-outlet", 2'000));
    EXPECT_TRUE(store().find_session("kept", 2'000));
    EXPECT_TRUE(store().find_session("in-other", 2'000));

    // Disabled in one workspace only.
    core::Agent disabled = *found;
    disabled.disabled = true;
    ASSERT_TRUE(store().update_agent(disabled));
    EXPECT_FALSE(store().find_session("kept", 2'000));
    EXPECT_FALSE(store().find_agent(acme.workspace.id, acme.agent.id)->disabled);

    // Leaving one workspace keeps the account; leaving the last one frees its e-mail.
    EXPECT_TRUE(store().delete_agent(made->workspace.id, outlet.id));
    EXPECT_TRUE(store().find_agent_by_email("acme@agents.example"));
    EXPECT_EQ(store().list_memberships(acme.agent.account_id).size(), 1u);
    EXPECT_TRUE(store().delete_agent(acme.workspace.id, acme.agent.id));
    EXPECT_FALSE(store().find_agent_by_email("acme@agents.example"));
    EXPECT_TRUE(store().list_memberships(acme.agent.account_id).empty());
    core::Agent again = acme.agent;
    EXPECT_TRUE(store().create_agent(again, "fresh"));
}

// --- Sessions ---

TEST_P(StoreContract, Sessions) {
    Tenant acme = make_tenant("acme");
    Id session = store().create_session(acme.agent.id, "hash-1", 1'000, 10'000);
    EXPECT_GT(session, 0);

    std::optional<SessionInfo> found = store().find_session("hash-1", 9'999);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->session_id, session);
    EXPECT_EQ(found->agent.id, acme.agent.id);
    EXPECT_EQ(found->agent.email, "acme@agents.example");
    EXPECT_EQ(found->expires_at, 10'000);
    EXPECT_FALSE(store().find_session("hash-1", 10'000));  // expired at expires_at
    EXPECT_FALSE(store().find_session("unknown", 1'000));

    // Token hashes are opaque bytes: raw digests with zero bytes work too.
    std::string raw_digest("\x00\x01\xff\x00zz", 6);
    Id raw_session = store().create_session(acme.agent.id, raw_digest, 1'000, 10'000);
    EXPECT_EQ(store().find_session(raw_digest, 2'000)->session_id, raw_session);
    EXPECT_FALSE(store().find_session(std::string("\x00\x01\xff\x00zy", 6), 2'000));

    core::Agent disabled = acme.agent;
    disabled.disabled = true;
    ASSERT_TRUE(store().update_agent(disabled));
    EXPECT_FALSE(store().find_session("hash-1", 2'000));
    disabled.disabled = false;
    ASSERT_TRUE(store().update_agent(disabled));
    EXPECT_TRUE(store().find_session("hash-1", 2'000));

    EXPECT_TRUE(store().delete_session(session));
    EXPECT_FALSE(store().find_session("hash-1", 2'000));
    EXPECT_FALSE(store().delete_session(session));

    Id a = store().create_session(acme.agent.id, "a", 1'000, 10'000);
    Id b = store().create_session(acme.agent.id, "b", 1'000, 10'000);
    Id c = store().create_session(acme.agent.id, "c", 1'000, 10'000);
    std::vector<Id> deleted = store().delete_agent_sessions(acme.agent.id, b);
    std::sort(deleted.begin(), deleted.end());
    EXPECT_EQ(deleted, (std::vector<Id>{raw_session, a, c}));
    EXPECT_TRUE(store().find_session("b", 2'000));
    EXPECT_FALSE(store().find_session("a", 2'000));
    EXPECT_EQ(store().delete_agent_sessions(acme.agent.id, std::nullopt), std::vector<Id>{b});
    EXPECT_FALSE(store().find_session("b", 2'000));
    EXPECT_TRUE(store().delete_agent_sessions(acme.agent.id, std::nullopt).empty());
}

TEST_P(StoreContract, LiveSessions) {
    Tenant acme = make_tenant("acme");
    Tenant other = make_tenant("other");
    Id a = store().create_session(acme.agent.id, "a", 1'000, 10'000);
    Id b = store().create_session(acme.agent.id, "b", 1'000, 5'000);
    Id c = store().create_session(other.agent.id, "c", 1'000, 10'000);
    Id d = store().create_session(acme.agent.id, "d", 1'000, 10'000);
    ASSERT_TRUE(store().delete_session(d));

    // Ascending whatever the order asked in; unknown and deleted ids are left out.
    EXPECT_EQ(store().live_sessions({c, d, a, b, 987'654}, 2'000), (std::vector<Id>{a, b, c}));
    EXPECT_EQ(store().live_sessions({a, b}, 5'000), std::vector<Id>{a});  // b expired
    EXPECT_TRUE(store().live_sessions({}, 2'000).empty());

    core::Agent disabled = other.agent;
    disabled.disabled = true;
    ASSERT_TRUE(store().update_agent(disabled));
    EXPECT_EQ(store().live_sessions({a, c}, 2'000), std::vector<Id>{a});

    // Many at once (the ids travel as one parameter, whatever their number).
    std::vector<Id> many{a};
    for (int i = 0; i < 100; ++i) {
        many.push_back(
            store().create_session(acme.agent.id, "m" + std::to_string(i), 1'000, 10'000));
    }
    EXPECT_EQ(store().live_sessions(many, 2'000).size(), many.size());
}

// --- Contacts and page views ---

TEST_P(StoreContract, ContactsAreScopedByWorkspace) {
    Tenant acme = make_tenant("acme", 1'000);
    Tenant other = make_tenant("other", 1'000);
    EXPECT_EQ(acme.contact.workspace_id, acme.workspace.id);
    EXPECT_EQ(acme.contact.site_id, acme.site.id);
    EXPECT_EQ(acme.contact.first_seen, 1'000);
    EXPECT_EQ(acme.contact.last_seen, 1'000);
    EXPECT_EQ(acme.contact.visits, 1);

    EXPECT_EQ(store().find_contact_by_token(acme.workspace.id, "acme-token")->id, acme.contact.id);
    EXPECT_FALSE(store().find_contact_by_token(other.workspace.id, "acme-token"));
    EXPECT_FALSE(store().find_contact(other.workspace.id, acme.contact.id));

    // The same token in another workspace is another person.
    core::Contact twin =
        store().create_contact(other.workspace.id, other.site.id, "acme-token", 1'500);
    EXPECT_NE(twin.id, acme.contact.id);
    EXPECT_EQ(store().find_contact_by_token(other.workspace.id, "acme-token")->id, twin.id);
    EXPECT_EQ(store().find_contact_by_token(acme.workspace.id, "acme-token")->id, acme.contact.id);
    // Creating an existing token again returns the existing contact.
    EXPECT_EQ(make_contact(acme, "acme-token", 9'000).id, acme.contact.id);

    // A returning visitor's hello after the visit gap counts a visit.
    const TimeMs later = 1'000 + core::visit_gap_ms;
    VisitorArrival again =
        store().arrive_visitor(acme.workspace.id, acme.site.id, "acme-token", "unused", later, {});
    EXPECT_FALSE(again.created);
    EXPECT_EQ(again.contact.id, acme.contact.id);
    core::Contact visited = store().find_contact(acme.workspace.id, acme.contact.id).value();
    EXPECT_EQ(visited.last_seen, later);
    EXPECT_EQ(visited.visits, 2);
    EXPECT_EQ(visited.first_seen, 1'000);

    visited.name = "Ada";
    visited.email = "ada@example.com";
    visited.attributes = {{"plan", "pro"}, {"cart", "3 items"}};
    EXPECT_TRUE(store().update_contact(visited));
    core::Contact updated = store().find_contact(acme.workspace.id, acme.contact.id).value();
    EXPECT_EQ(updated.name, "Ada");
    EXPECT_EQ(updated.email, "ada@example.com");
    EXPECT_EQ(updated.attributes, visited.attributes);
    EXPECT_EQ(store().find_contact_by_token(acme.workspace.id, "acme-token")->attributes,
              visited.attributes);

    visited.attributes = {{"plan", "free"}};
    EXPECT_TRUE(store().update_contact(visited));
    EXPECT_EQ(store().find_contact(acme.workspace.id, acme.contact.id)->attributes,
              visited.attributes);

    core::Contact foreign = visited;
    foreign.workspace_id = other.workspace.id;
    foreign.name = "Mallory";
    EXPECT_FALSE(store().update_contact(foreign));
    EXPECT_EQ(store().find_contact(acme.workspace.id, acme.contact.id)->name, "Ada");

    // A contact cannot be created on another workspace's site.
    EXPECT_EQ(store().create_contact(acme.workspace.id, other.site.id, "cross", 1'000).id, 0);
    EXPECT_FALSE(store().find_contact_by_token(acme.workspace.id, "cross"));
}

TEST_P(StoreContract, AVisitIsASessionOfPageViews) {
    Tenant acme = make_tenant("acme", 0);
    const Id ws = acme.workspace.id;
    const TimeMs gap = core::visit_gap_ms;
    auto arrive = [&](TimeMs at) {
        return store().arrive_visitor(ws, acme.site.id, "acme-token", "", at, {}).contact.visits;
    };
    auto view_page = [&](TimeMs at) {
        core::PageView view;
        view.workspace_id = ws;
        view.contact_id = acme.contact.id;
        view.url = "https://shop.example/p";
        view.at = at;
        ASSERT_NE(store().add_page_view(view).id, 0);
    };
    // Reloads, new tabs and reconnects within the gap are the same visit.
    EXPECT_EQ(arrive(1'000), 1);
    EXPECT_EQ(arrive(gap - 1), 1);
    // Page views keep it going: a hello 40 minutes after the first, 20 after a page view.
    view_page(gap / 3 * 2);
    EXPECT_EQ(arrive(gap / 3 * 4), 1);
    // Half an hour without a page view ends it.
    EXPECT_EQ(arrive(gap / 3 * 4 + gap), 2);
    EXPECT_EQ(arrive(gap / 3 * 4 + gap + 5'000), 2);
    // A clock that went back is the same visit.
    EXPECT_EQ(arrive(10), 2);
}

TEST_P(StoreContract, VisitorArrivals) {
    Tenant acme = make_tenant("acme", 1'000);
    Tenant other = make_tenant("other", 1'000);
    const Id ws = acme.workspace.id;

    // A first hello: a new contact with the new token and the page's context.
    VisitorArrival first = store().arrive_visitor(ws, acme.site.id, "", "new-token", 2'000,
                                                  {{"language", "fi"}, {"screen", "390x844"}});
    ASSERT_TRUE(first.created);
    EXPECT_GT(first.contact.id, 0);
    EXPECT_EQ(first.contact.visits, 1);
    EXPECT_EQ(first.contact.first_seen, 2'000);
    EXPECT_EQ(store().find_contact_by_token(ws, "new-token")->id, first.contact.id);
    EXPECT_EQ(first.contact.attributes.at("language"), "fi");

    // Returning: one more visit, the context merged into what the contact had.
    core::Contact known = first.contact;
    known.attributes["plan"] = "pro";
    ASSERT_TRUE(store().update_contact(known));
    const TimeMs later = 2'000 + core::visit_gap_ms;
    VisitorArrival back =
        store().arrive_visitor(ws, acme.site.id, "new-token", "spare", later, {{"language", "sv"}});
    EXPECT_FALSE(back.created);
    EXPECT_EQ(back.contact.id, first.contact.id);
    EXPECT_EQ(back.contact.visits, 2);
    EXPECT_EQ(back.contact.last_seen, later);
    const std::map<std::string, std::string> merged{
        {"language", "sv"}, {"plan", "pro"}, {"screen", "390x844"}};
    EXPECT_EQ(back.contact.attributes, merged);
    EXPECT_EQ(store().find_contact(ws, first.contact.id)->attributes, merged);
    EXPECT_FALSE(store().find_contact_by_token(ws, "spare"));

    // A token unknown here (another workspace's) makes a new contact; nothing of the other
    // workspace changes. Another workspace's site makes none.
    VisitorArrival stranger =
        store().arrive_visitor(ws, acme.site.id, "other-token", "fresh", 4'000, {});
    EXPECT_TRUE(stranger.created);
    EXPECT_NE(stranger.contact.id, other.contact.id);
    EXPECT_EQ(store().find_contact(other.workspace.id, other.contact.id)->visits, 1);
    VisitorArrival cross = store().arrive_visitor(ws, other.site.id, "", "cross", 4'000, {});
    EXPECT_EQ(cross.contact.id, 0);
    EXPECT_FALSE(store().find_contact_by_token(ws, "cross"));
}

TEST_P(StoreContract, VerifiedArrivals) {
    Tenant acme = make_tenant("acme", 1'000);
    Tenant other = make_tenant("other", 1'000);
    const Id ws = acme.workspace.id;
    auto visit = [&](Id workspace, Id site, std::string token, std::string fresh, TimeMs at) {
        return store().arrive_verified(VerifiedVisit{workspace,
                                                     site,
                                                     "user-42",
                                                     std::move(token),
                                                     std::move(fresh),
                                                     true,
                                                     at,
                                                     {{"language", "fi"}}});
    };

    // An anonymous visitor of this browser, who then logs in.
    VisitorArrival anonymous = store().arrive_visitor(ws, acme.site.id, "", "anon", 2'000, {});
    VisitorArrival first = visit(ws, acme.site.id, "anon", "device-1", 3'000);
    ASSERT_TRUE(first.created);
    EXPECT_TRUE(first.new_token);
    EXPECT_NE(first.contact.id, anonymous.contact.id);
    EXPECT_EQ(first.contact.external_id, "user-42");
    EXPECT_TRUE(first.contact.verified());
    EXPECT_EQ(first.contact.attributes.at("language"), "fi");
    EXPECT_FALSE(store().find_contact(ws, anonymous.contact.id)->verified());

    // Another device: the same contact, with one more token; that token again: no new one.
    VisitorArrival second = visit(ws, acme.site.id, "", "device-2", 4'000);
    EXPECT_FALSE(second.created);
    EXPECT_TRUE(second.new_token);
    EXPECT_EQ(second.contact.id, first.contact.id);
    EXPECT_EQ(store().find_contact_by_token(ws, "device-2")->id, first.contact.id);
    VisitorArrival again = visit(ws, acme.site.id, "device-2", "unused", 5'000);
    EXPECT_FALSE(again.new_token);
    EXPECT_FALSE(store().find_contact_by_token(ws, "unused"));
    EXPECT_FALSE(visit(ws, acme.site.id, "device-1", "unused-2", 5'000).new_token);

    // Neither token reaches the verified contact without the identity.
    for (const char* token : {"device-1", "device-2"}) {
        VisitorArrival thief =
            store().arrive_visitor(ws, acme.site.id, token, std::string("t-") + token, 6'000, {});
        EXPECT_TRUE(thief.created);
        EXPECT_NE(thief.contact.id, first.contact.id);
    }

    // The same user id in another workspace is another contact; the tokens of this one do
    // not count there.
    VisitorArrival elsewhere = visit(other.workspace.id, other.site.id, "device-1", "o-1", 6'000);
    EXPECT_TRUE(elsewhere.created);
    EXPECT_NE(elsewhere.contact.id, first.contact.id);
    EXPECT_FALSE(store().find_contact_by_token(ws, "o-1"));
    // Another workspace's site makes none; without may_create, none is made.
    EXPECT_EQ(
        store()
            .arrive_verified(VerifiedVisit{ws, other.site.id, "user-43", "", "x", true, 6'000, {}})
            .contact.id,
        0);
    EXPECT_EQ(
        store()
            .arrive_verified(VerifiedVisit{ws, acme.site.id, "user-44", "", "y", false, 6'000, {}})
            .contact.id,
        0);

    // Only the newest browsers' tokens are kept.
    for (int i = 0; i < Store::max_contact_tokens + 2; ++i) {
        visit(ws, acme.site.id, "", "many-" + std::to_string(i), 7'000 + i);
    }
    EXPECT_FALSE(store().find_contact_by_token(ws, "many-0"));
    EXPECT_TRUE(
        store().find_contact_by_token(ws, "many-" + std::to_string(Store::max_contact_tokens + 1)));
    EXPECT_EQ(store().find_contact_by_token(ws, "device-1")->id, first.contact.id);  // its first
}

TEST_P(StoreContract, IdentitySecrets) {
    Tenant acme = make_tenant("acme", 1'000);
    Tenant other = make_tenant("other", 1'000);
    const Id ws = acme.workspace.id;
    auto one = store().add_identity_secret(ws, acme.site.id, "s-one", 10);
    auto two = store().add_identity_secret(ws, acme.site.id, "s-two", 20);
    ASSERT_TRUE(one && two);
    EXPECT_EQ(one->n, 1);
    EXPECT_EQ(two->n, 2);
    EXPECT_FALSE(store().add_identity_secret(ws, acme.site.id, "s-three", 30));
    EXPECT_FALSE(store().add_identity_secret(ws, other.site.id, "s-cross", 30));
    EXPECT_FALSE(store().remove_identity_secret(other.workspace.id, acme.site.id, 1));
    auto site = store().find_site_by_key(acme.site.key);
    ASSERT_EQ(site->identity_secrets.size(), 2u);
    EXPECT_EQ(site->identity_secrets[1].secret, "s-two");
    EXPECT_EQ(site->identity_secrets[1].created_at, 20);

    // Retiring the first frees its slot for the next.
    EXPECT_TRUE(store().remove_identity_secret(ws, acme.site.id, 1));
    EXPECT_FALSE(store().remove_identity_secret(ws, acme.site.id, 1));
    EXPECT_EQ(store().add_identity_secret(ws, acme.site.id, "s-four", 40)->n, 1);
    EXPECT_TRUE(store().find_site(other.workspace.id, other.site.id)->identity_secrets.empty());

    site->require_verified_identity = true;
    ASSERT_TRUE(store().update_site(*site));
    EXPECT_TRUE(store().find_site(ws, acme.site.id)->require_verified_identity);
}

TEST_P(StoreContract, PageViews) {
    Tenant acme = make_tenant("acme");
    Tenant other = make_tenant("other");
    for (int i = 0; i < 5; ++i) {
        core::PageView view{0,
                            acme.workspace.id,
                            acme.contact.id,
                            "https://acme.example/p" + std::to_string(i),
                            "Page " + std::to_string(i),
                            "https://search.example",
                            1'000 + i};
        core::PageView stored = store().add_page_view(view);
        EXPECT_GT(stored.id, 0);
        EXPECT_EQ(stored.url, view.url);
    }
    std::vector<core::PageView> views =
        store().list_page_views(acme.workspace.id, acme.contact.id, 3);
    ASSERT_EQ(views.size(), 3u);
    EXPECT_EQ(views[0].url, "https://acme.example/p4");
    EXPECT_EQ(views[0].title, "Page 4");
    EXPECT_EQ(views[0].referrer, "https://search.example");
    EXPECT_EQ(views[0].at, 1'004);
    EXPECT_EQ(views[2].url, "https://acme.example/p2");
    EXPECT_TRUE(store().list_page_views(other.workspace.id, acme.contact.id, 10).empty());

    core::PageView foreign{0, other.workspace.id, acme.contact.id, "https://x", "", "", 2'000};
    EXPECT_EQ(store().add_page_view(foreign).id, 0);
    EXPECT_EQ(store().list_page_views(acme.workspace.id, acme.contact.id, 10).size(), 5u);
}

TEST_P(StoreContract, PageViewsWithoutBlocking) {
    Tenant acme = make_tenant("acme");
    Tenant other = make_tenant("other");
    auto add = [&](core::PageView view) {
        std::promise<std::optional<core::PageView>> stored;
        auto future = stored.get_future();
        store().add_page_view_async(std::move(view), [&](std::optional<core::PageView> result) {
            stored.set_value(std::move(result));
        });
        return future.get();
    };
    auto stored = add(
        {0, acme.workspace.id, acme.contact.id, "https://acme.example/cart", "Cart", "", 3'000});
    ASSERT_TRUE(stored);
    EXPECT_GT(stored->id, 0);
    EXPECT_EQ(stored->title, "Cart");
    std::vector<core::PageView> views =
        store().list_page_views(acme.workspace.id, acme.contact.id, 10);
    ASSERT_EQ(views.size(), 1u);
    EXPECT_EQ(views[0].id, stored->id);
    EXPECT_EQ(views[0].url, "https://acme.example/cart");

    // Another workspace's contact: answered, not stored.
    auto foreign = add({0, other.workspace.id, acme.contact.id, "https://x", "", "", 3'100});
    ASSERT_TRUE(foreign);
    EXPECT_EQ(foreign->id, 0);
    EXPECT_EQ(store().list_page_views(acme.workspace.id, acme.contact.id, 10).size(), 1u);
}

// --- Appending messages ---

TEST_P(StoreContract, VisitorAppendCreatesThenReusesConversation) {
    Tenant acme = make_tenant("acme");
    EXPECT_FALSE(
        store().find_active_conversation(acme.workspace.id, acme.site.id, acme.contact.id));

    AppendResult first =
        store().append_message(visitor_message(acme, acme.contact, "c1", "first", 2'000));
    ASSERT_EQ(first.status, Status::stored) << first.error;
    EXPECT_TRUE(first.conversation_created);
    EXPECT_EQ(first.message.seq, 1);
    EXPECT_GT(first.message.id, 0);
    EXPECT_EQ(first.message.conversation_id, first.conversation.id);
    EXPECT_EQ(first.message.body, "first");
    EXPECT_EQ(first.message.client_id, "c1");
    EXPECT_EQ(first.message.author_kind, AuthorKind::visitor);
    EXPECT_EQ(first.message.author_id, acme.contact.id);
    EXPECT_EQ(first.message.created_at, 2'000);
    const core::Conversation& created = first.conversation;
    EXPECT_EQ(created.workspace_id, acme.workspace.id);
    EXPECT_EQ(created.site_id, acme.site.id);
    EXPECT_EQ(created.contact_id, acme.contact.id);
    EXPECT_EQ(created.status, ConversationStatus::open);
    EXPECT_FALSE(created.assignee_id);
    EXPECT_EQ(created.last_seq, 1);
    EXPECT_EQ(created.last_message_preview, "first");
    EXPECT_EQ(created.last_message_at, 2'000);
    EXPECT_EQ(created.created_at, 2'000);
    EXPECT_EQ(created.updated_at, 2'000);
    EXPECT_FALSE(created.closed_at);

    AppendResult second =
        store().append_message(visitor_message(acme, acme.contact, "c2", "second", 2'100));
    ASSERT_EQ(second.status, Status::stored);
    EXPECT_FALSE(second.conversation_created);
    EXPECT_EQ(second.conversation.id, created.id);
    EXPECT_EQ(second.message.seq, 2);

    AppendResult reply =
        store().append_message(agent_message(acme, created.id, "a1", "reply", 2'200));
    ASSERT_EQ(reply.status, Status::stored);
    EXPECT_EQ(reply.message.seq, 3);
    EXPECT_EQ(reply.conversation.last_seq, 3);
    EXPECT_EQ(reply.conversation.last_message_preview, "reply");
    EXPECT_EQ(reply.conversation.last_message_at, 2'200);
    EXPECT_EQ(reply.conversation.updated_at, 2'200);

    core::Conversation stored = store().find_conversation(acme.workspace.id, created.id).value();
    EXPECT_EQ(stored.last_seq, 3);
    EXPECT_EQ(stored.last_message_preview, "reply");
    EXPECT_EQ(stored.updated_at, 2'200);
    EXPECT_EQ(seqs(store().list_messages(acme.workspace.id, created.id, 0, 0, 10)),
              (std::vector<Seq>{1, 2, 3}));
    EXPECT_EQ(
        store().find_active_conversation(acme.workspace.id, acme.site.id, acme.contact.id)->id,
        created.id);

    // Pending stays pending when the visitor writes.
    ASSERT_TRUE(store().set_conversation_status(acme.workspace.id, created.id,
                                                ConversationStatus::pending, 2'300));
    AppendResult while_pending =
        store().append_message(visitor_message(acme, acme.contact, "c3", "still there?", 2'400));
    ASSERT_EQ(while_pending.status, Status::stored);
    EXPECT_EQ(while_pending.conversation.id, created.id);
    EXPECT_EQ(while_pending.conversation.status, ConversationStatus::pending);
    EXPECT_EQ(store().find_conversation(acme.workspace.id, created.id)->status,
              ConversationStatus::pending);

    // Once closed, the visitor's next message starts a new conversation.
    ASSERT_TRUE(store().set_conversation_status(acme.workspace.id, created.id,
                                                ConversationStatus::closed, 2'500));
    AppendResult fresh =
        store().append_message(visitor_message(acme, acme.contact, "c4", "new topic", 2'600));
    ASSERT_EQ(fresh.status, Status::stored);
    EXPECT_TRUE(fresh.conversation_created);
    EXPECT_NE(fresh.conversation.id, created.id);
    EXPECT_EQ(fresh.message.seq, 1);
}

TEST_P(StoreContract, AMessageStampedBeforeTheOneItFollowsTakesThatOnesTime) {
    // Callers stamp messages before they queue, so a later message can carry an earlier
    // stamp: the history's times never go backwards, nor does the conversation's activity.
    Tenant acme = make_tenant("acme");
    AppendResult first =
        store().append_message(visitor_message(acme, acme.contact, "v1", "first", 3'000));
    ASSERT_EQ(first.status, AppendResult::Status::stored);
    AppendResult late = store().append_message(
        agent_message(acme, first.conversation.id, "a1", "stamped earlier", 2'900));
    ASSERT_EQ(late.status, AppendResult::Status::stored);
    EXPECT_EQ(late.message.seq, 2);
    EXPECT_EQ(late.message.created_at, 3'000);
    EXPECT_EQ(late.conversation.last_message_at, 3'000);
    EXPECT_EQ(late.conversation.last_message_preview, "stamped earlier");
    // The first answer is timed as its message is: never before the question.
    EXPECT_EQ(late.conversation.first_response_at, 3'000);

    const core::Conversation stored =
        store().find_conversation(acme.workspace.id, first.conversation.id).value();
    EXPECT_EQ(stored.last_seq, 2);
    EXPECT_EQ(stored.last_message_at, 3'000);
    EXPECT_EQ(stored.first_response_at, 3'000);
    const auto history = store().list_messages(acme.workspace.id, first.conversation.id, 0, 0, 10);
    ASSERT_EQ(history.size(), 2U);
    EXPECT_EQ(history[1].created_at, 3'000);
}

TEST_P(StoreContract, TwoActiveConversationsTheMostRecentlyActiveTakesTheVisitor) {
    Tenant acme = make_tenant("acme");
    core::Conversation older = start_conversation(acme, acme.contact, 2'000);
    ASSERT_TRUE(store().set_conversation_status(acme.workspace.id, older.id,
                                                ConversationStatus::closed, 2'100));
    core::Conversation newer =
        store()
            .append_message(visitor_message(acme, acme.contact, "v1", "new topic", 2'200))
            .conversation;
    ASSERT_NE(newer.id, older.id);
    const auto active = [&] {
        return store().find_active_conversation(acme.workspace.id, acme.site.id, acme.contact.id);
    };
    EXPECT_EQ(active()->id, newer.id);

    // An agent reopens the older one later: both are active, the reopened one is newer.
    ASSERT_TRUE(store().set_conversation_status(acme.workspace.id, older.id,
                                                ConversationStatus::pending, 2'300));
    EXPECT_EQ(active()->id, older.id);
    EXPECT_EQ(store()
                  .append_message(visitor_message(acme, acme.contact, "v2", "about that", 2'400))
                  .conversation.id,
              older.id);

    // A reply in the other one makes it the most recent again.
    ASSERT_EQ(status_of(agent_message(acme, newer.id, "a1", "hi", 2'500)), Status::stored);
    EXPECT_EQ(active()->id, newer.id);
    EXPECT_EQ(store()
                  .append_message(visitor_message(acme, acme.contact, "v3", "thanks", 2'600))
                  .conversation.id,
              newer.id);
    EXPECT_FALSE(
        store().find_active_conversation(acme.workspace.id, acme.site.id + 1'000, acme.contact.id));
}

TEST_P(StoreContract, PreviewIsCutOnACharacterBoundary) {
    Tenant acme = make_tenant("acme");
    std::string body;
    for (int i = 0; i < 200; ++i) body += "\xc3\xa4";  // "ä", two bytes each
    AppendResult result =
        store().append_message(visitor_message(acme, acme.contact, "c1", body, 2'000));
    ASSERT_EQ(result.status, Status::stored);
    EXPECT_EQ(result.conversation.last_message_preview, body.substr(0, 280));
    EXPECT_EQ(
        store().find_conversation(acme.workspace.id, result.conversation.id)->last_message_preview,
        body.substr(0, 280));
    EXPECT_EQ(store().list_messages(acme.workspace.id, result.conversation.id, 0, 0, 1)[0].body,
              body);

    std::string mixed = std::string(139, 'a') + "\xe2\x82\xac" + "tail";  // 139 + "€" + ...
    result = store().append_message(visitor_message(acme, acme.contact, "c2", mixed, 2'100));
    EXPECT_EQ(result.conversation.last_message_preview, std::string(139, 'a') + "\xe2\x82\xac");
}

TEST_P(StoreContract, RetriesAroundAnOfflineMessageChangeNothing) {
    Tenant acme = make_tenant("acme");
    const Id ws = acme.workspace.id;
    NewMessage left = visitor_message(acme, acme.contact, "left-1", "Call me back", 2'000);
    left.channel = core::Channel::offline;
    AppendResult original = store().append_message(left);
    ASSERT_EQ(original.status, Status::stored);
    EXPECT_EQ(original.conversation.channel, core::Channel::offline);

    // The agent's reply is queued for e-mail once, however often it is retried.
    AppendResult reply = store().append_message(
        agent_message(acme, original.conversation.id, "reply-1", "We will call", 2'050));
    ASSERT_EQ(reply.status, Status::stored);
    EXPECT_EQ(
        status_of(agent_message(acme, original.conversation.id, "reply-1", "We will call", 2'060)),
        Status::duplicate);
    EXPECT_EQ(store().due_emails(10'000, 10).size(), 1u);

    // A live chat later; the offline form's message retried then is the old one, and the
    // live chat stays a live chat.
    store().set_conversation_status(ws, original.conversation.id, ConversationStatus::closed,
                                    2'100);
    AppendResult live =
        store().append_message(visitor_message(acme, acme.contact, "live-1", "Hello", 2'200));
    ASSERT_TRUE(live.conversation_created);
    left.at = 2'300;
    AppendResult retry = store().append_message(left);
    EXPECT_EQ(retry.status, Status::duplicate);
    EXPECT_EQ(retry.message.id, original.message.id);
    auto live_now = store().find_conversation(ws, live.conversation.id);
    ASSERT_TRUE(live_now);
    EXPECT_EQ(live_now->channel, core::Channel::chat);
    EXPECT_EQ(live_now->last_seq, 1);
}

TEST_P(StoreContract, DuplicateClientIdIsStoredOnce) {
    Tenant acme = make_tenant("acme");
    AppendResult original =
        store().append_message(visitor_message(acme, acme.contact, "same", "hello", 2'000));
    ASSERT_EQ(original.status, Status::stored);

    AppendResult retry =
        store().append_message(visitor_message(acme, acme.contact, "same", "hello again", 2'500));
    EXPECT_EQ(retry.status, Status::duplicate);
    EXPECT_EQ(retry.message.id, original.message.id);
    EXPECT_EQ(retry.message.seq, 1);
    EXPECT_EQ(retry.message.body, "hello");
    EXPECT_EQ(retry.message.created_at, 2'000);
    EXPECT_EQ(retry.conversation.id, original.conversation.id);
    EXPECT_EQ(retry.conversation.last_seq, 1);
    EXPECT_FALSE(retry.conversation_created);

    // Still a duplicate after the conversation was closed.
    store().set_conversation_status(acme.workspace.id, original.conversation.id,
                                    ConversationStatus::closed, 2'600);
    EXPECT_EQ(status_of(visitor_message(acme, acme.contact, "same", "hello", 2'700)),
              Status::duplicate);
    store().set_conversation_status(acme.workspace.id, original.conversation.id,
                                    ConversationStatus::open, 2'800);

    // A client id is unique per author, not globally.
    AppendResult by_agent = store().append_message(
        agent_message(acme, original.conversation.id, "same", "agent text", 3'000));
    EXPECT_EQ(by_agent.status, Status::stored);
    core::Contact second = make_contact(acme, "second-token");
    EXPECT_EQ(status_of(visitor_message(acme, second, "same", "x", 3'100)), Status::stored);

    // An agent's retry, in the open conversation and after it was closed: nothing changes.
    AppendResult agent_retry = store().append_message(
        agent_message(acme, original.conversation.id, "same", "agent text", 3'050));
    EXPECT_EQ(agent_retry.status, Status::duplicate);
    EXPECT_EQ(agent_retry.message.id, by_agent.message.id);
    EXPECT_EQ(agent_retry.conversation.last_seq, by_agent.conversation.last_seq);

    // A visitor's retry while a newer conversation is active returns the first one's
    // message and leaves the newer conversation as it was.
    store().set_conversation_status(acme.workspace.id, original.conversation.id,
                                    ConversationStatus::closed, 3'060);
    EXPECT_EQ(status_of(agent_message(acme, original.conversation.id, "same", "x", 3'065)),
              Status::duplicate);
    AppendResult newer =
        store().append_message(visitor_message(acme, acme.contact, "later", "new chat", 3'070));
    ASSERT_TRUE(newer.conversation_created);
    AppendResult late_retry =
        store().append_message(visitor_message(acme, acme.contact, "same", "hello", 3'080));
    EXPECT_EQ(late_retry.status, Status::duplicate);
    EXPECT_EQ(late_retry.message.id, original.message.id);
    EXPECT_EQ(late_retry.conversation.id, original.conversation.id);
    auto newer_now = store().find_conversation(acme.workspace.id, newer.conversation.id);
    ASSERT_TRUE(newer_now);
    EXPECT_EQ(newer_now->last_seq, 1);
    EXPECT_EQ(newer_now->updated_at, 3'070);
    store().set_conversation_status(acme.workspace.id, newer.conversation.id,
                                    ConversationStatus::closed, 3'090);
    store().set_conversation_status(acme.workspace.id, original.conversation.id,
                                    ConversationStatus::open, 3'095);

    // Messages without a client id are never duplicates.
    EXPECT_EQ(status_of(agent_message(acme, original.conversation.id, "", "a", 3'200)),
              Status::stored);
    AppendResult no_id =
        store().append_message(agent_message(acme, original.conversation.id, "", "a", 3'300));
    EXPECT_EQ(no_id.status, Status::stored);
    EXPECT_EQ(no_id.message.client_id, "");

    EXPECT_EQ(seqs(store().list_messages(acme.workspace.id, original.conversation.id, 0, 0, 10)),
              (std::vector<Seq>{1, 2, 3, 4}));
}

TEST_P(StoreContract, AgentAppendIntoClosedConversationIsRefused) {
    Tenant acme = make_tenant("acme");
    core::Conversation conversation = start_conversation(acme, acme.contact, 2'000);
    std::optional<core::Conversation> closed = store().set_conversation_status(
        acme.workspace.id, conversation.id, ConversationStatus::closed, 2'100);
    ASSERT_TRUE(closed);
    EXPECT_EQ(closed->status, ConversationStatus::closed);
    EXPECT_EQ(closed->closed_at, 2'100);
    EXPECT_EQ(closed->updated_at, 2'100);

    AppendResult refused =
        store().append_message(agent_message(acme, conversation.id, "late", "too late", 2'200));
    EXPECT_EQ(refused.status, Status::closed);
    EXPECT_EQ(refused.conversation.id, conversation.id);
    EXPECT_EQ(store().find_conversation(acme.workspace.id, conversation.id)->last_seq, 1);
    EXPECT_EQ(store().list_messages(acme.workspace.id, conversation.id, 0, 0, 10).size(), 1u);

    // Reopened, the same client id is accepted: the refused send stored nothing.
    std::optional<core::Conversation> reopened = store().set_conversation_status(
        acme.workspace.id, conversation.id, ConversationStatus::open, 2'300);
    EXPECT_FALSE(reopened->closed_at);
    AppendResult accepted =
        store().append_message(agent_message(acme, conversation.id, "late", "now", 2'400));
    EXPECT_EQ(accepted.status, Status::stored);
    EXPECT_EQ(accepted.message.seq, 2);

    // Agents must name a conversation; unknown ids are refused.
    NewMessage unnamed = agent_message(acme, 0, "u1", "where?", 2'500);
    unnamed.conversation_id.reset();
    EXPECT_EQ(status_of(unnamed), Status::no_conversation);
    EXPECT_EQ(status_of(agent_message(acme, 999'999, "u2", "?", 2'500)), Status::no_conversation);
}

TEST_P(StoreContract, ConversationStatusAndAssignment) {
    Tenant acme = make_tenant("acme");
    core::Conversation conversation = start_conversation(acme, acme.contact, 2'000);

    std::optional<core::Conversation> assigned =
        store().assign_conversation(acme.workspace.id, conversation.id, acme.agent.id, 2'100);
    ASSERT_TRUE(assigned);
    EXPECT_EQ(assigned->assignee_id, acme.agent.id);
    EXPECT_EQ(assigned->updated_at, 2'100);
    EXPECT_EQ(store().find_conversation(acme.workspace.id, conversation.id)->assignee_id,
              acme.agent.id);

    std::optional<core::Conversation> unassigned =
        store().assign_conversation(acme.workspace.id, conversation.id, std::nullopt, 2'200);
    EXPECT_FALSE(unassigned->assignee_id);
    EXPECT_EQ(unassigned->updated_at, 2'200);

    std::optional<core::Conversation> pending = store().set_conversation_status(
        acme.workspace.id, conversation.id, ConversationStatus::pending, 2'300);
    EXPECT_EQ(pending->status, ConversationStatus::pending);
    EXPECT_EQ(pending->updated_at, 2'300);
    EXPECT_FALSE(pending->closed_at);
    EXPECT_EQ(store().find_conversation(acme.workspace.id, conversation.id)->status,
              ConversationStatus::pending);
    EXPECT_FALSE(store().set_conversation_status(acme.workspace.id, 999'999,
                                                 ConversationStatus::closed, 2'400));
}

TEST_P(StoreContract, CrossWorkspaceAccessFindsNothing) {
    Tenant acme = make_tenant("acme");
    Tenant other = make_tenant("other");
    core::Conversation conversation = start_conversation(acme, acme.contact, 2'000);
    Id foreign = other.workspace.id;

    EXPECT_FALSE(store().find_conversation(foreign, conversation.id));
    EXPECT_FALSE(store().find_active_conversation(foreign, acme.site.id, acme.contact.id));
    EXPECT_TRUE(store().list_conversations(filter_for(other)).empty());
    EXPECT_TRUE(store().list_messages(foreign, conversation.id, 0, 0, 10).empty());
    EXPECT_TRUE(store().list_messages(foreign, conversation.id, 0, 10, 10).empty());
    EXPECT_FALSE(store().set_conversation_status(foreign, conversation.id,
                                                 ConversationStatus::closed, 2'100));
    EXPECT_FALSE(store().assign_conversation(foreign, conversation.id, other.agent.id, 2'100));

    // The other workspace's agent cannot post into it, nor can a visitor there.
    NewMessage intrusion = agent_message(other, conversation.id, "x1", "hi", 2'100);
    EXPECT_EQ(status_of(intrusion), Status::no_conversation);
    NewMessage wrong_site = visitor_message(other, acme.contact, "x2", "hi", 2'100);
    EXPECT_EQ(status_of(wrong_site), Status::no_conversation);
    NewMessage wrong_contact = visitor_message(acme, other.contact, "x3", "hi", 2'100);
    EXPECT_EQ(status_of(wrong_contact), Status::no_conversation);

    EXPECT_EQ(store().set_read_mark(
                  foreign, core::ReadMark{conversation.id, AuthorKind::agent, other.agent.id, 1}),
              0);
    EXPECT_TRUE(store().list_read_marks(foreign, conversation.id).empty());
    EXPECT_TRUE(store().list_read_marks(acme.workspace.id, conversation.id).empty());

    core::Conversation unchanged =
        store().find_conversation(acme.workspace.id, conversation.id).value();
    EXPECT_EQ(unchanged.status, ConversationStatus::open);
    EXPECT_FALSE(unchanged.assignee_id);
    EXPECT_EQ(unchanged.last_seq, 1);
}

// --- Listing ---

// Messages stored together are indexed together, at their transaction's end
// (message_indexer.hpp): each is found, once, and only by its own words.
TEST_P(StoreContract, EveryMessageOfABatchIsFoundBySearch) {
    Tenant acme = make_tenant("acme");
    constexpr int contacts = 20;
    constexpr int per_contact = 10;
    std::vector<core::Contact> visitors;
    for (int c = 0; c < contacts; ++c) {
        visitors.push_back(make_contact(acme, "batch-" + std::to_string(c)));
    }
    Countdown countdown(contacts * per_contact);
    std::atomic<int> stored{0};
    for (int i = 0; i < per_contact; ++i) {
        for (int c = 0; c < contacts; ++c) {
            const auto id = std::to_string(c) + "-" + std::to_string(i);
            store().append_message_async(
                visitor_message(acme, visitors[c], "b" + id, "parcel word" + id, 2'000 + i),
                [&](AppendResult result) {
                    if (result.status == Status::stored) ++stored;
                    countdown.arrive();
                });
        }
    }
    ASSERT_TRUE(countdown.wait_for(std::chrono::seconds(60)));
    ASSERT_EQ(stored.load(), contacts * per_contact);
    // One more, alone in its transaction.
    ASSERT_EQ(status_of(visitor_message(acme, acme.contact, "alone", "parcel solo", 3'000)),
              Status::stored);

    auto found = [&](const std::string& text) {
        ConversationFilter filter = filter_for(acme, 100);
        filter.text_match = core::search::match_expression(core::search::parse_query(text));
        return conversation_ids(filter).size();
    };
    for (int pass = 0; pass < 2; ++pass) {
        EXPECT_EQ(found("parcel"), contacts + 1);
        EXPECT_EQ(found("word7-3"), 1U);
        EXPECT_EQ(found("word19-9"), 1U);
        EXPECT_EQ(found("solo"), 1U);
        EXPECT_EQ(found("absent"), 0U);
        reopen();  // and the same after a restart
    }
}

// A word in most conversations is found by walking the listing (not by gathering its
// every match): the same conversations, in the same order, page after page, as the
// listing without the word shows them, whichever message of each holds it.
TEST_P(StoreContract, ACommonWordPagesAsTheListingDoes) {
    Tenant acme = make_tenant("acme");
    constexpr int conversations = 900;
    std::vector<core::Contact> visitors;
    for (int c = 0; c < conversations; ++c) {
        visitors.push_back(make_contact(acme, "common-" + std::to_string(c)));
    }
    // Two rounds, so that each conversation's messages lie among the others'; the word is
    // in the first message of two in three conversations, and in no second message.
    Countdown countdown(conversations * 2);
    for (int round = 0; round < 2; ++round) {
        for (int c = 0; c < conversations; ++c) {
            const bool with_word = round == 0 && c % 3 != 0;
            store().append_message_async(
                visitor_message(
                    acme, visitors[c], "m" + std::to_string(round) + "-" + std::to_string(c),
                    with_word ? "where is my parcel" : "hello there", 2'000 + round * 10'000 + c),
                [&](AppendResult) { countdown.arrive(); });
        }
    }
    ASSERT_TRUE(countdown.wait_for(std::chrono::seconds(60)));
    std::set<Id> with_word;
    for (int c = 0; c < conversations; ++c) {
        auto conversation =
            store().find_active_conversation(acme.workspace.id, acme.site.id, visitors[c].id);
        ASSERT_TRUE(conversation);
        if (c % 3 != 0) with_word.insert(conversation->id);
    }
    // Half of them closed, so that the page merges open and closed conversations.
    std::vector<Id> all = paged_ids(acme, 100);
    ASSERT_EQ(all.size(), static_cast<std::size_t>(conversations));
    for (std::size_t i = 0; i < all.size(); i += 2) {
        ASSERT_TRUE(store().set_conversation_status(acme.workspace.id, all[i],
                                                    ConversationStatus::closed,
                                                    30'000 + static_cast<TimeMs>(i)));
    }
    std::vector<Id> expected;
    for (Id id : paged_ids(acme, 100)) {
        if (with_word.count(id)) expected.push_back(id);
    }
    ASSERT_EQ(expected.size(), 600U);

    ConversationFilter filter = filter_for(acme, 20);
    filter.text_match = core::search::match_expression(core::search::parse_query("parcel"));
    EXPECT_EQ(paged_ids(filter), expected);
    filter.status = ConversationStatus::closed;
    std::vector<Id> closed;
    for (Id id : expected) {
        if (store().find_conversation(acme.workspace.id, id)->status ==
            ConversationStatus::closed) {
            closed.push_back(id);
        }
    }
    EXPECT_EQ(paged_ids(filter), closed);
}

// Words of any script are found as written, and no query text fails the search: with
// the index's own tokenizer a word with a full-width or an Arabic comma in it became two
// tokens, and the query a phrase, which an index without positions refuses.
TEST_P(StoreContract, WordsOfAnyScriptAreFoundAndNoQueryFails) {
    Tenant acme = make_tenant("acme");
    const std::string body = "订单，已发货 مرحبا، كيف Привет! abc\uFF0Cdef";
    ASSERT_EQ(status_of(visitor_message(acme, acme.contact, "scripts", body, 2'000)),
              Status::stored);
    auto found = [&](const std::string& text) {
        ConversationFilter filter = filter_for(acme);
        filter.text_match = core::search::match_expression(core::search::parse_query(text));
        return conversation_ids(filter).size();
    };
    EXPECT_EQ(found("订单，已发货"), 1U);
    EXPECT_EQ(found("مرحبا،"), 1U);
    EXPECT_EQ(found("привет"), 1U);
    EXPECT_EQ(found("abc\uFF0Cdef"), 1U);
    EXPECT_EQ(found("abc\uFF0Cxyz"), 0U);
    EXPECT_EQ(found("،؟।"), 0U);
}

TEST_P(StoreContract, ListConversationsFilters) {
    Tenant acme = make_tenant("acme");
    Tenant other = make_tenant("other");
    core::Site second_site = acme.site;
    second_site.key = "acme-second";
    second_site = store().create_site(second_site);

    // c1: open, assigned to the agent. c2: pending, unassigned. c3: closed, on the
    // second site. c4: open, unassigned, other contact.
    core::Contact bob = make_contact(acme, "bob");
    core::Conversation c1 = start_conversation(acme, acme.contact, 2'000);
    NewMessage on_second = visitor_message(acme, acme.contact, "s", "hi", 2'100);
    on_second.site_id = second_site.id;
    core::Conversation c3 = store().append_message(on_second).conversation;
    core::Conversation c2 = start_conversation(acme, bob, 2'200);
    core::Contact carol = make_contact(acme, "carol");
    core::Conversation c4 = start_conversation(acme, carol, 2'300);
    start_conversation(other, other.contact, 2'400);

    store().assign_conversation(acme.workspace.id, c1.id, acme.agent.id, 3'000);
    store().set_conversation_status(acme.workspace.id, c2.id, ConversationStatus::pending, 3'100);
    store().set_conversation_status(acme.workspace.id, c3.id, ConversationStatus::closed, 3'200);
    // Order by activity now: c3 (3200), c2 (3100), c1 (3000), c4 (2300).

    ConversationFilter all = filter_for(acme);
    EXPECT_EQ(conversation_ids(all), (std::vector<Id>{c3.id, c2.id, c1.id, c4.id}));

    ConversationFilter open = all;
    open.status = ConversationStatus::open;
    EXPECT_EQ(conversation_ids(open), (std::vector<Id>{c1.id, c4.id}));
    ConversationFilter pending = all;
    pending.status = ConversationStatus::pending;
    EXPECT_EQ(conversation_ids(pending), std::vector<Id>{c2.id});
    ConversationFilter closed = all;
    closed.status = ConversationStatus::closed;
    EXPECT_EQ(conversation_ids(closed), std::vector<Id>{c3.id});

    ConversationFilter unassigned = all;
    unassigned.assignee = ConversationFilter::Assignee::unassigned;
    EXPECT_EQ(conversation_ids(unassigned), (std::vector<Id>{c3.id, c2.id, c4.id}));
    ConversationFilter mine = all;
    mine.assignee = ConversationFilter::Assignee::agent;
    mine.assignee_id = acme.agent.id;
    EXPECT_EQ(conversation_ids(mine), std::vector<Id>{c1.id});
    mine.assignee_id = other.agent.id;
    EXPECT_TRUE(conversation_ids(mine).empty());

    ConversationFilter by_site = all;
    by_site.site_id = second_site.id;
    EXPECT_EQ(conversation_ids(by_site), std::vector<Id>{c3.id});
    by_site.site_id = acme.site.id;
    EXPECT_EQ(conversation_ids(by_site), (std::vector<Id>{c2.id, c1.id, c4.id}));

    ConversationFilter by_contact = all;
    by_contact.contact_id = acme.contact.id;
    EXPECT_EQ(conversation_ids(by_contact), (std::vector<Id>{c3.id, c1.id}));

    ConversationFilter combined = all;
    combined.status = ConversationStatus::open;
    combined.assignee = ConversationFilter::Assignee::unassigned;
    combined.site_id = acme.site.id;
    EXPECT_EQ(conversation_ids(combined), std::vector<Id>{c4.id});

    ConversationFilter limited = all;
    limited.limit = 2;
    EXPECT_EQ(conversation_ids(limited), (std::vector<Id>{c3.id, c2.id}));
    limited.limit = 0;
    EXPECT_TRUE(conversation_ids(limited).empty());
}

TEST_P(StoreContract, ListConversationsFollowTheirLastMessages) {
    // A conversation's activity is its last message when that is newer than its own last
    // change: open ones move up with each message; a closed one keeps the time of its
    // last message even when closed with an earlier stamp.
    Tenant acme = make_tenant("acme");
    core::Contact a = make_contact(acme, "a");
    core::Contact b = make_contact(acme, "b");
    core::Contact c = make_contact(acme, "c");
    core::Contact d = make_contact(acme, "d");
    const Id moved = start_conversation(acme, a, 1'000).id;
    const Id quiet = start_conversation(acme, b, 3'000).id;
    const Id closed = start_conversation(acme, c, 2'000).id;
    ASSERT_EQ(store().append_message(visitor_message(acme, a, "a2", "still here", 5'000)).status,
              Status::stored);
    ASSERT_EQ(store().append_message(visitor_message(acme, c, "c2", "thanks", 4'500)).status,
              Status::stored);
    ASSERT_TRUE(store().set_conversation_status(acme.workspace.id, closed,
                                                ConversationStatus::closed, 4'000));
    const Id tied = start_conversation(acme, d, 4'500).id;  // ties with the closed one

    const std::vector<Id> expected{moved, tied, closed, quiet};
    std::vector<Id> listed;
    std::vector<TimeMs> activity;
    for (const core::Conversation& row : store().list_conversations(filter_for(acme))) {
        listed.push_back(row.id);
        activity.push_back(row.updated_at);
    }
    EXPECT_EQ(listed, expected);
    EXPECT_EQ(activity, (std::vector<TimeMs>{5'000, 4'500, 4'500, 3'000}));
    for (int page_size : {1, 2, 3}) {
        EXPECT_EQ(paged_ids(acme, page_size), expected) << "page size " << page_size;
    }
    ConversationFilter older = filter_for(acme);
    older.before_updated_at = 4'600;
    listed.clear();
    for (const core::Conversation& row : store().list_conversations(older)) {
        listed.push_back(row.id);
    }
    EXPECT_EQ(listed, (std::vector<Id>{tied, closed, quiet}));
}

TEST_P(StoreContract, ListConversationsCursorHasNoOverlapAndNoGap) {
    Tenant acme = make_tenant("acme");
    // 23 conversations, many sharing an updated_at so the id breaks the ties, and every
    // third one closed at that same time: open and closed ones interleave and tie.
    for (int i = 0; i < 23; ++i) {
        core::Contact contact = make_contact(acme, "visitor-" + std::to_string(i));
        const TimeMs at = 10'000 + (i / 4) * 100;
        core::Conversation started = start_conversation(acme, contact, at);
        if (i % 3 == 0) {
            ASSERT_TRUE(store().set_conversation_status(acme.workspace.id, started.id,
                                                        ConversationStatus::closed, at));
        }
    }
    ConversationFilter filter = filter_for(acme, 1'000);
    std::vector<core::Conversation> everything = store().list_conversations(filter);
    ASSERT_EQ(everything.size(), 23u);
    for (std::size_t i = 1; i < everything.size(); ++i) {
        const core::Conversation& newer = everything[i - 1];
        const core::Conversation& older = everything[i];
        EXPECT_TRUE(newer.updated_at > older.updated_at ||
                    (newer.updated_at == older.updated_at && newer.id > older.id));
    }

    std::vector<Id> expected;
    for (const core::Conversation& row : everything) expected.push_back(row.id);
    for (int page_size : {1, 4, 5, 7, 23, 50}) {
        EXPECT_EQ(paged_ids(acme, page_size), expected) << "page size " << page_size;
    }

    // A time-only cursor means "older than that instant".
    ConversationFilter older = filter_for(acme, 1'000);
    older.before_updated_at = 10'200;
    for (const core::Conversation& row : store().list_conversations(older)) {
        EXPECT_LT(row.updated_at, 10'200);
    }
    EXPECT_EQ(store().list_conversations(older).size(), 8u);
}

TEST_P(StoreContract, ListMessagesAfterBeforeAndLimit) {
    Tenant acme = make_tenant("acme");
    core::Conversation conversation = start_conversation(acme, acme.contact, 2'000);
    for (int i = 2; i <= 10; ++i) {
        ASSERT_EQ(status_of(agent_message(acme, conversation.id, "m" + std::to_string(i),
                                          "message " + std::to_string(i), 2'000 + i)),
                  Status::stored);
    }
    Id ws = acme.workspace.id;
    Id id = conversation.id;
    EXPECT_EQ(seqs(store().list_messages(ws, id, 0, 0, 100)),
              (std::vector<Seq>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
    EXPECT_EQ(seqs(store().list_messages(ws, id, 0, 0, 3)), (std::vector<Seq>{1, 2, 3}));
    EXPECT_EQ(seqs(store().list_messages(ws, id, 7, 0, 100)), (std::vector<Seq>{8, 9, 10}));
    EXPECT_EQ(seqs(store().list_messages(ws, id, 3, 0, 2)), (std::vector<Seq>{4, 5}));
    // Only a before_seq: the latest messages below it, still ascending.
    EXPECT_EQ(seqs(store().list_messages(ws, id, 0, 8, 3)), (std::vector<Seq>{5, 6, 7}));
    EXPECT_EQ(seqs(store().list_messages(ws, id, 0, 3, 10)), (std::vector<Seq>{1, 2}));
    EXPECT_EQ(seqs(store().list_messages(ws, id, 0, 11, 2)), (std::vector<Seq>{9, 10}));
    // Both bounds: the earliest in the window.
    EXPECT_EQ(seqs(store().list_messages(ws, id, 2, 9, 3)), (std::vector<Seq>{3, 4, 5}));
    EXPECT_EQ(seqs(store().list_messages(ws, id, 2, 9, 100)), (std::vector<Seq>{3, 4, 5, 6, 7, 8}));
    EXPECT_TRUE(store().list_messages(ws, id, 4, 5, 100).empty());
    EXPECT_TRUE(store().list_messages(ws, id, 10, 0, 100).empty());
    EXPECT_TRUE(store().list_messages(ws, id, 0, 1, 100).empty());
    EXPECT_TRUE(store().list_messages(ws, id, 0, 0, 0).empty());

    std::vector<core::Message> one = store().list_messages(ws, id, 4, 6, 10);
    ASSERT_EQ(one.size(), 1u);
    EXPECT_EQ(one[0].body, "message 5");
    EXPECT_EQ(one[0].client_id, "m5");
    EXPECT_EQ(one[0].author_kind, AuthorKind::agent);
    EXPECT_EQ(one[0].author_id, acme.agent.id);
    EXPECT_EQ(one[0].created_at, 2'005);
    EXPECT_EQ(one[0].conversation_id, id);
}

// --- Read marks ---

TEST_P(StoreContract, ReadMarksClampAndOnlyRise) {
    Tenant acme = make_tenant("acme");
    core::Conversation conversation = start_conversation(acme, acme.contact, 2'000);
    for (int i = 0; i < 2; ++i) {
        store().append_message(
            agent_message(acme, conversation.id, "r" + std::to_string(i), "x", 2'100));
    }
    Id ws = acme.workspace.id;
    core::ReadMark agent_mark{conversation.id, AuthorKind::agent, acme.agent.id, 10};

    EXPECT_EQ(store().set_read_mark(ws, agent_mark), 3);  // clamped to last_seq
    agent_mark.seq = 1;
    EXPECT_EQ(store().set_read_mark(ws, agent_mark), 3);  // never lowered
    core::ReadMark visitor_mark{conversation.id, AuthorKind::visitor, acme.contact.id, 2};
    EXPECT_EQ(store().set_read_mark(ws, visitor_mark), 2);

    store().append_message(agent_message(acme, conversation.id, "r9", "more", 2'200));
    store().append_message(agent_message(acme, conversation.id, "r10", "more", 2'300));
    agent_mark.seq = 4;
    EXPECT_EQ(store().set_read_mark(ws, agent_mark), 4);
    agent_mark.seq = 100;
    EXPECT_EQ(store().set_read_mark(ws, agent_mark), 5);

    std::vector<core::ReadMark> marks = store().list_read_marks(ws, conversation.id);
    ASSERT_EQ(marks.size(), 2u);
    auto find = [&](AuthorKind kind) {
        return *std::find_if(marks.begin(), marks.end(),
                             [&](const core::ReadMark& mark) { return mark.reader_kind == kind; });
    };
    EXPECT_EQ(find(AuthorKind::agent).seq, 5);
    EXPECT_EQ(find(AuthorKind::agent).reader_id, acme.agent.id);
    EXPECT_EQ(find(AuthorKind::visitor).seq, 2);
    EXPECT_EQ(find(AuthorKind::visitor).reader_id, acme.contact.id);
    EXPECT_EQ(find(AuthorKind::visitor).conversation_id, conversation.id);

    EXPECT_EQ(store().set_read_mark(ws, core::ReadMark{999'999, AuthorKind::agent, 1, 1}), 0);
}

TEST_P(StoreContract, ReadMarksWithoutWaiting) {
    Tenant acme = make_tenant("acme");
    Tenant other = make_tenant("other");
    core::Conversation conversation = start_conversation(acme, acme.contact, 2'000);
    store().append_message(agent_message(acme, conversation.id, "a1", "x", 2'100));
    auto mark = [&](Id workspace_id, Seq seq) {
        std::promise<std::optional<Seq>> stored;
        auto future = stored.get_future();
        store().set_read_mark_async(
            workspace_id, core::ReadMark{conversation.id, AuthorKind::agent, acme.agent.id, seq},
            [&](std::optional<Seq> result) { stored.set_value(result); });
        return future.get();
    };
    EXPECT_EQ(mark(acme.workspace.id, 10), std::optional<Seq>(2));  // clamped, written
    EXPECT_EQ(mark(acme.workspace.id, 1), std::optional<Seq>(2));   // already higher
    EXPECT_EQ(mark(other.workspace.id, 2), std::optional<Seq>(0));  // not that workspace's
    std::vector<core::ReadMark> marks = store().list_read_marks(acme.workspace.id, conversation.id);
    ASSERT_EQ(marks.size(), 1u);
    EXPECT_EQ(marks[0].seq, 2);
}

// --- Concurrency and batching ---

TEST_P(StoreContract, ConcurrentAsyncAppendsGetConsecutiveSeqsAndAreBatched) {
    Tenant acme = make_tenant("acme");
    core::Conversation conversation = start_conversation(acme, acme.contact, 2'000);
    StoreStats before = store().stats();

    constexpr int threads = 4;
    constexpr int per_thread = 150;
    Countdown countdown(threads * per_thread);
    std::mutex results_mutex;
    std::vector<AppendResult> results;
    std::vector<std::thread> senders;
    for (int t = 0; t < threads; ++t) {
        senders.emplace_back([&, t] {
            for (int i = 0; i < per_thread; ++i) {
                std::string client_id = "t" + std::to_string(t) + "-" + std::to_string(i);
                store().append_message_async(
                    agent_message(acme, conversation.id, client_id, "body " + client_id, 3'000 + i),
                    [&](AppendResult result) {
                        {
                            std::lock_guard lock(results_mutex);
                            results.push_back(std::move(result));
                        }
                        countdown.arrive();
                    });
            }
        });
    }
    for (std::thread& sender : senders) sender.join();
    ASSERT_TRUE(countdown.wait_for(std::chrono::seconds(60)));

    std::vector<Seq> seen;
    for (const AppendResult& result : results) {
        ASSERT_EQ(result.status, Status::stored) << result.error;
        seen.push_back(result.message.seq);
    }
    std::sort(seen.begin(), seen.end());
    std::vector<Seq> expected(threads * per_thread);
    std::iota(expected.begin(), expected.end(), Seq{2});
    EXPECT_EQ(seen, expected);
    EXPECT_EQ(store().find_conversation(acme.workspace.id, conversation.id)->last_seq,
              threads * per_thread + 1);
    EXPECT_EQ(store().list_messages(acme.workspace.id, conversation.id, 0, 0, 10'000).size(),
              static_cast<std::size_t>(threads * per_thread + 1));

    StoreStats after = store().stats();
    std::uint64_t writes = after.writes - before.writes;
    std::uint64_t commits = after.commits - before.commits;
    EXPECT_EQ(writes, static_cast<std::uint64_t>(threads * per_thread));
    EXPECT_LT(commits, writes) << "appends were not group-committed";
    EXPECT_EQ(after.queue_depth, 0u);
    std::uint64_t bucketed = 0;
    for (std::uint64_t count : after.commit_buckets) bucketed += count;
    EXPECT_EQ(bucketed, after.commits);
    EXPECT_GT(after.commit_seconds_sum, 0.0);
}

TEST_P(StoreContract, AsyncAppendReportsRefusalsThroughTheCallback) {
    Tenant acme = make_tenant("acme");
    std::promise<AppendResult> promise;
    store().append_message_async(
        agent_message(acme, 424'242, "q", "?", 2'000),
        [&](AppendResult result) { promise.set_value(std::move(result)); });
    EXPECT_EQ(promise.get_future().get().status, Status::no_conversation);
}

// --- Routing, teams, notes and the e-mail outbox ---

TEST_P(StoreContract, SiteRoutingHoursAndPrechatRoundTrip) {
    Tenant t = make_tenant("hours");
    core::Site site = t.site;
    site.routing = core::RoutingMode::manual;
    site.hours.time_zone = "Europe/Helsinki";
    site.hours.always_open = false;
    site.hours.weekly[0] = {{480, 960}, {1020, 1200}};
    site.hours.weekly[5] = {{600, 1440}};
    site.hours.exceptions = {{2026, 12, 24, {}}, {2026, 12, 27, {{600, 840}}}};
    site.prechat = {true,
                    core::FieldRule::required,
                    core::FieldRule::optional,
                    core::FieldRule::off,
                    "Order number; if any",
                    true};
    ASSERT_TRUE(store().update_site(site));
    reopen();
    auto found = store().find_site(t.workspace.id, t.site.id);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->routing, core::RoutingMode::manual);
    EXPECT_EQ(found->hours.time_zone, "Europe/Helsinki");
    EXPECT_FALSE(found->hours.always_open);
    EXPECT_EQ(found->hours.weekly, site.hours.weekly);
    ASSERT_EQ(found->hours.exceptions.size(), 2u);
    EXPECT_EQ(found->hours.exceptions[1].day, 27);
    EXPECT_EQ(found->hours.exceptions[1].intervals, site.hours.exceptions[1].intervals);
    EXPECT_EQ(found->prechat, site.prechat);
    // A new site starts automatic, always open, without a form.
    core::Site plain = t.site;
    plain.key = "plain-key";
    plain = store().create_site(plain);
    auto fresh = store().find_site(t.workspace.id, plain.id);
    EXPECT_EQ(fresh->routing, core::RoutingMode::automatic);
    EXPECT_TRUE(fresh->hours.always_open);
    EXPECT_FALSE(fresh->prechat.enabled);
}

TEST_P(StoreContract, TeamsHaveMembersOfTheirWorkspaceOnly) {
    Tenant a = make_tenant("teams-a");
    Tenant b = make_tenant("teams-b");
    core::Team team;
    team.workspace_id = a.workspace.id;
    team.name = "Sales";
    team.agent_ids = {a.agent.id, b.agent.id};  // b's agent is left out
    auto created = store().create_team(team);
    ASSERT_TRUE(created);
    EXPECT_EQ(created->agent_ids, std::vector<Id>{a.agent.id});
    EXPECT_FALSE(store().create_team(team)) << "names are unique in a workspace";
    core::Team other = team;
    other.workspace_id = b.workspace.id;
    EXPECT_TRUE(store().create_team(other)) << "but not across workspaces";
    EXPECT_EQ(store().find_agent(a.workspace.id, a.agent.id)->team_ids,
              std::vector<Id>{created->id});
    EXPECT_EQ(store().list_agents(a.workspace.id).front().team_ids, std::vector<Id>{created->id});
    EXPECT_FALSE(store().find_team(b.workspace.id, created->id));
    EXPECT_FALSE(store().delete_team(b.workspace.id, created->id));

    created->name = "Sales and returns";
    created->agent_ids = {};
    ASSERT_TRUE(store().update_team(*created));
    EXPECT_TRUE(store().find_team(a.workspace.id, created->id)->agent_ids.empty());
    EXPECT_TRUE(store().find_agent(a.workspace.id, a.agent.id)->team_ids.empty());

    NewMessage first = visitor_message(a, a.contact, "team-1", "for sales", 2'000);
    first.team_id = created->id;
    auto appended = store().append_message(first);
    EXPECT_EQ(appended.conversation.team_id, created->id);
    ASSERT_TRUE(store().delete_team(a.workspace.id, created->id));
    EXPECT_FALSE(store().find_conversation(a.workspace.id, appended.conversation.id)->team_id)
        << "the conversation stays, for anyone";
}

TEST_P(StoreContract, QueueClaimsAndOpenChatCounts) {
    Tenant t = make_tenant("queue");
    std::vector<core::Conversation> started;
    for (int i = 0; i < 3; ++i) {
        started.push_back(start_conversation(t, make_contact(t, "q" + std::to_string(i)), 100 - i));
    }
    NewMessage offline = visitor_message(t, make_contact(t, "left"), "left-1", "offline", 50);
    offline.channel = core::Channel::offline;
    EXPECT_EQ(store().append_message(offline).conversation.channel, core::Channel::offline);

    auto queue = store().list_queue(t.workspace.id, 10, 0, 0);
    ASSERT_EQ(queue.size(), 3u) << "offline conversations do not queue";
    EXPECT_EQ(queue[0].id, started[2].id) << "oldest first";
    EXPECT_EQ(queue[2].id, started[0].id);
    auto page = store().list_queue(t.workspace.id, 1, queue[0].created_at, queue[0].id);
    ASSERT_EQ(page.size(), 1u);
    EXPECT_EQ(page[0].id, queue[1].id) << "the next page starts after the cursor";

    auto claimed = store().claim_conversation(t.workspace.id, queue[0].id, t.agent.id, 5'000, true);
    ASSERT_TRUE(claimed);
    EXPECT_EQ(claimed->assignee_id, t.agent.id);
    EXPECT_EQ(claimed->first_assigned_at, 5'000);
    EXPECT_FALSE(store().claim_conversation(t.workspace.id, queue[0].id, t.agent.id, 6'000, false))
        << "already someone's";
    store().set_conversation_status(t.workspace.id, queue[1].id, ConversationStatus::closed, 6'000);
    EXPECT_FALSE(store().claim_conversation(t.workspace.id, queue[1].id, t.agent.id, 6'000, false));
    Tenant other = make_tenant("queue-other");
    EXPECT_FALSE(
        store().claim_conversation(t.workspace.id, queue[2].id, other.agent.id, 6'000, false))
        << "an agent of another workspace";
    EXPECT_EQ(store().list_queue(t.workspace.id, 10, 0, 0).size(), 1u);
    EXPECT_EQ(store().count_open_chats(t.workspace.id), (std::map<Id, int>{{t.agent.id, 1}}));
    // Within capacity: an agent at its capacity is refused in the same write.
    core::Agent full = t.agent;
    full.capacity = 1;
    ASSERT_TRUE(store().update_agent(full));
    EXPECT_FALSE(store().claim_conversation(t.workspace.id, queue[2].id, t.agent.id, 6'500, true));
    full.capacity = 2;
    ASSERT_TRUE(store().update_agent(full));
    EXPECT_TRUE(store().claim_conversation(t.workspace.id, queue[2].id, t.agent.id, 6'500, true));
    EXPECT_EQ(store().count_open_chats(t.workspace.id), (std::map<Id, int>{{t.agent.id, 2}}));
    store().assign_conversation(t.workspace.id, queue[2].id, std::nullopt, 6'600);
    EXPECT_TRUE(store().list_queue(other.workspace.id, 10, 0, 0).empty());

    // Unassigning keeps the first assignment time; handing it to a team clears the assignee.
    auto unassigned = store().assign_conversation(t.workspace.id, claimed->id, std::nullopt, 7'000);
    EXPECT_EQ(unassigned->first_assigned_at, 5'000);
    auto reassigned = store().assign_conversation(t.workspace.id, claimed->id, t.agent.id, 8'000);
    EXPECT_EQ(reassigned->first_assigned_at, 5'000);
    auto handed = store().set_conversation_team(t.workspace.id, claimed->id, std::nullopt, 9'000);
    EXPECT_FALSE(handed->assignee_id);
}

TEST_P(StoreContract, FirstResponseAndMissedChats) {
    Tenant t = make_tenant("missed");
    auto answered = start_conversation(t, t.contact, 1'000);
    EXPECT_FALSE(answered.first_response_at);
    auto reply = store().append_message(agent_message(t, answered.id, "r1", "hello", 2'000));
    EXPECT_EQ(reply.conversation.first_response_at, 2'000);
    store().append_message(agent_message(t, answered.id, "r2", "again", 3'000));
    EXPECT_EQ(store().find_conversation(t.workspace.id, answered.id)->first_response_at, 2'000);
    EXPECT_TRUE(store().mark_missed(t.workspace.id, t.contact.id, 4'000).empty());

    auto leaver = make_contact(t, "leaver");
    auto unanswered = start_conversation(t, leaver, 1'500);
    auto marked = store().mark_missed(t.workspace.id, leaver.id, 4'000);
    ASSERT_EQ(marked.size(), 1u);
    EXPECT_EQ(marked[0].id, unanswered.id);
    EXPECT_TRUE(marked[0].missed);
    EXPECT_TRUE(store().mark_missed(t.workspace.id, leaver.id, 5'000).empty()) << "once";
    auto filter = filter_for(t);
    filter.missed = true;
    EXPECT_EQ(conversation_ids(filter), std::vector<Id>{unanswered.id});
}

TEST_P(StoreContract, NotesAreScopedAndNeverMessages) {
    Tenant a = make_tenant("notes-a");
    Tenant b = make_tenant("notes-b");
    auto conversation = start_conversation(a, a.contact, 1'000);
    core::Note note;
    note.workspace_id = a.workspace.id;
    note.conversation_id = conversation.id;
    note.agent_id = a.agent.id;
    note.author_name = "Anna";
    note.body = "VIP customer";
    note.created_at = 2'000;
    auto added = store().add_note(note);
    ASSERT_TRUE(added);
    EXPECT_GT(added->id, 0);
    note.workspace_id = b.workspace.id;
    EXPECT_FALSE(store().add_note(note)) << "another workspace's conversation";
    EXPECT_TRUE(store().list_notes(b.workspace.id, conversation.id).empty());
    auto notes = store().list_notes(a.workspace.id, conversation.id);
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_EQ(notes[0].body, "VIP customer");
    EXPECT_EQ(seqs(store().list_messages(a.workspace.id, conversation.id, 0, 0, 10)),
              std::vector<Seq>{1});
    ASSERT_TRUE(store().delete_agent(a.workspace.id, a.agent.id));
    EXPECT_FALSE(store().list_notes(a.workspace.id, conversation.id)[0].agent_id)
        << "a removed agent's notes stay";
}

TEST_P(StoreContract, OutboxHoldsAgentRepliesInOfflineConversations) {
    Tenant t = make_tenant("outbox");
    NewMessage left = visitor_message(t, t.contact, "left", "Do you ship?", 1'000);
    left.channel = core::Channel::offline;
    auto offline = store().append_message(left).conversation;
    auto live = start_conversation(t, make_contact(t, "live"), 1'000);
    store().append_message(agent_message(t, live.id, "live-reply", "chat reply", 2'000));
    EXPECT_TRUE(store().due_emails(10'000, 10).empty()) << "visitor messages and live chats";

    auto reply = store().append_message(agent_message(t, offline.id, "reply", "Yes!", 3'000));
    EXPECT_TRUE(store().due_emails(2'999, 10).empty()) << "not due before it was written";
    auto due = store().due_emails(3'000, 10);
    ASSERT_EQ(due.size(), 1u);
    EXPECT_EQ(due[0].message.id, reply.message.id);
    EXPECT_EQ(due[0].message.body, "Yes!");
    EXPECT_EQ(due[0].conversation.id, offline.id);
    EXPECT_EQ(due[0].attempts, 0);

    store().finish_email(due[0].id, 4'000, "451 try later", 64'000);
    EXPECT_TRUE(store().due_emails(63'999, 10).empty());
    due = store().due_emails(64'000, 10);
    ASSERT_EQ(due.size(), 1u);
    EXPECT_EQ(due[0].attempts, 1);
    store().finish_email(due[0].id, 64'000, "", std::nullopt);
    EXPECT_TRUE(store().due_emails(1'000'000, 10).empty()) << "sent";

    store().append_message(agent_message(t, offline.id, "reply-2", "Also...", 5'000));
    due = store().due_emails(5'000, 10);
    ASSERT_EQ(due.size(), 1u);
    store().finish_email(due[0].id, 6'000, "550 no such user", std::nullopt);
    EXPECT_TRUE(store().due_emails(1'000'000, 10).empty()) << "failed for good";
}

TEST_P(StoreContract, ProbeWritableAndStats) {
    EXPECT_TRUE(store().probe_writable());
    StoreStats stats = store().stats();
    EXPECT_GE(stats.commits, 1u);
    EXPECT_GE(stats.writes, 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContract, ::testing::Values(sqlite_backend()),
                         [](const ::testing::TestParamInfo<Backend>& param_info) {
                             return param_info.param.name;
                         });

// --- SQLite only ---

TEST(SqliteMigrations, AppliedOnceAndRecorded) {
    TempDir dir;
    fs::path file = dir.path() / "juttu.db";
    sqlite::SqliteStore::open(file).reset();
    sqlite::SqliteStore::open(file).reset();

    std::unique_ptr<sqlite::Database> db =
        sqlite::Database::open(file, sqlite::Database::Mode::read_write_create);
    // Branches take version numbers apart, so the list may have a gap until they all land.
    auto latest = sqlite::migrations().back().version;
    EXPECT_EQ(sqlite::schema_version(*db), latest);
    EXPECT_EQ(sqlite::apply_migrations(*db), 0);
    sqlite::Statement rows = db->prepare("SELECT COUNT(*), MIN(version) FROM schema_migrations");
    ASSERT_TRUE(rows.step());
    EXPECT_EQ(rows.column_int64(0), static_cast<std::int64_t>(sqlite::migrations().size()));
    EXPECT_EQ(rows.column_int64(1), 1);
}

// A database at `version`, built by the migrations up to it, as an older build left it.
std::unique_ptr<sqlite::Database> database_at(const fs::path& file, int version) {
    auto db = sqlite::Database::open(file, sqlite::Database::Mode::read_write_create);
    sqlite::schema_version(*db);  // creates schema_migrations
    for (const auto& migration : sqlite::migrations().first(static_cast<std::size_t>(version))) {
        db->exec("BEGIN IMMEDIATE");
        db->exec(migration.sql);
        if (!migration.edits.empty()) sqlite::edit_definitions(*db, migration.edits);
        db->prepare("INSERT INTO schema_migrations(version, applied_at) VALUES (?, 0)")
            .bind(1, std::int64_t{migration.version})
            .run();
        db->exec("COMMIT");
    }
    return db;
}

std::int64_t count_of(sqlite::Database& db, const std::string& sql) {
    sqlite::Statement query = db.prepare(sql);
    EXPECT_TRUE(query.step());
    return query.column_int64(0);
}

// The CREATE TABLE statement sqlite_schema holds for `table` ("" and a failure when none).
std::string definition_of(sqlite::Database& db, const std::string& table) {
    sqlite::Statement query =
        db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?");
    query.bind_all(table);
    const bool found = query.step();
    EXPECT_TRUE(found) << "no table " << table;
    return found ? query.column_text(0) : std::string();
}

// Workspace 1 with site 1 and contact 1, as the schema has had them since version 1: what
// the rows a migration test writes refer to.
const std::string one_shop =
    "INSERT INTO workspaces(id, name, created_at) VALUES (1, 'Shop', 0);"
    "INSERT INTO sites(id, workspace_id, key, name, created_at) VALUES (1, 1, 'k', 'S', 0);"
    "INSERT INTO contacts(id, workspace_id, token_hash, first_seen, last_seen) "
    "VALUES (1, 1, x'01', 0, 0);";

TEST(SqliteMigrations, MessagesRebuiltKeyedByClientIdKeepTheirRowsAndReferences) {
    TempDir dir;
    auto db = database_at(dir.path() / "juttu.db", 7);
    db->exec(
        one_shop +
        "INSERT INTO conversations(id, workspace_id, site_id, contact_id, status, created_at, "
        "updated_at) VALUES (1, 1, 1, 1, 'open', 0, 0);"
        "INSERT INTO messages(id, conversation_id, seq, client_id, author_kind, author_id, body, "
        "created_at, author_name) VALUES (7, 1, 1, 'w-1', 'visitor', 1, 'Hei', 5, 'Maija'),"
        "(9, 1, 2, NULL, 'system', NULL, 'Closed', 6, '');"
        "INSERT INTO email_outbox(workspace_id, message_id, next_attempt_at, created_at) "
        "VALUES (1, 9, 0, 0);");

    const auto pending = sqlite::pending_migrations(*db);
    ASSERT_FALSE(pending.empty());
    EXPECT_EQ(pending.front().version, 8);
    EXPECT_EQ(sqlite::apply_migrations(*db), static_cast<int>(pending.size()));
    EXPECT_TRUE(sqlite::pending_migrations(*db).empty());
    // The copy's WAL was given back.
    EXPECT_EQ(fs::file_size(dir.path() / "juttu.db-wal"), 0U);

    EXPECT_EQ(count_of(*db,
                       "SELECT COUNT(*) FROM messages WHERE id = 7 AND client_id = 'w-1' "
                       "AND author_name = 'Maija' AND body = 'Hei' AND created_at = 5"),
              1);
    EXPECT_EQ(count_of(*db, "SELECT COUNT(*) FROM messages"), 2);
    // Dropping the old table cascaded to nothing, and references still hold.
    EXPECT_EQ(count_of(*db, "SELECT COUNT(*) FROM email_outbox WHERE message_id = 9"), 1);
    EXPECT_EQ(count_of(*db, "PRAGMA foreign_keys"), 1);
    db->exec("DELETE FROM messages WHERE id = 9");
    EXPECT_EQ(count_of(*db, "SELECT COUNT(*) FROM email_outbox"), 0);
    // The idempotency key, client id first.
    EXPECT_EQ(count_of(*db,
                       "SELECT COUNT(*) FROM pragma_index_list('messages') l "
                       "JOIN pragma_index_info(l.name) i WHERE l.[unique] AND "
                       "i.seqno = 0 AND i.name = 'client_id'"),
              1);
    EXPECT_THROW(db->exec("INSERT INTO messages(conversation_id, seq, client_id, author_kind, "
                          "author_id, body, created_at) VALUES (1, 3, 'w-1', 'visitor', 1, "
                          "'again', 7)"),
                 StoreError);
}

TEST(SqliteMigrations, AgentsBecomeMembershipsOfTheirAccountsKeepingIdsAndSessions) {
    TempDir dir;
    auto db = database_at(dir.path() / "juttu.db", 13);
    db->exec(one_shop +
             "INSERT INTO agents(id, workspace_id, email, name, password_hash, role, disabled, "
             "created_at, capacity, languages) VALUES "
             "(3, 1, 'aino@shop.example', 'Aino', 'hash-a', 'admin', 0, 10, 5, 'fi'),"
             "(8, 1, 'eero@shop.example', 'Eero', 'hash-e', 'agent', 1, 20, 4, '');"
             "INSERT INTO sessions(id, agent_id, token_hash, created_at, expires_at) "
             "VALUES (1, 3, x'aa', 0, 99);"
             "INSERT INTO conversations(id, workspace_id, site_id, contact_id, status, "
             "assignee_id, created_at, updated_at) VALUES (1, 1, 1, 1, 'open', 8, 0, 0);");
    // 14 and those after it.
    EXPECT_EQ(sqlite::apply_migrations(*db), sqlite::migrations().back().version - 13);

    EXPECT_EQ(count_of(*db,
                       "SELECT COUNT(*) FROM agents a JOIN accounts p ON p.id = a.account_id "
                       "WHERE a.id = 3 AND p.email = 'aino@shop.example' AND "
                       "p.password_hash = 'hash-a' AND a.name = 'Aino' AND a.role = 'admin' AND "
                       "a.capacity = 5 AND a.languages = 'fi' AND a.created_at = 10"),
              1);
    EXPECT_EQ(count_of(*db, "SELECT COUNT(*) FROM agents WHERE id = 8 AND disabled = 1"), 1);
    EXPECT_EQ(count_of(*db, "SELECT COUNT(*) FROM sessions WHERE agent_id = 3"), 1);
    EXPECT_EQ(count_of(*db, "SELECT COUNT(*) FROM conversations WHERE assignee_id = 8"), 1);
    EXPECT_EQ(count_of(*db, "PRAGMA foreign_keys"), 1);
    // The e-mail is unique per account now, and one membership per workspace.
    EXPECT_THROW(db->exec("INSERT INTO accounts(email, password_hash, created_at) "
                          "VALUES ('AINO@shop.example', 'x', 0)"),
                 StoreError);
    EXPECT_THROW(db->exec("INSERT INTO agents(workspace_id, account_id, name, role, created_at) "
                          "VALUES (1, 3, 'Aino again', 'agent', 0)"),
                 StoreError);
    // The triggers dropped with the old table are back.
    db->exec(
        "INSERT INTO read_marks(conversation_id, reader_kind, reader_id, seq) "
        "VALUES (1, 'agent', 8, 0)");
    db->exec("DELETE FROM agents WHERE id = 8");
    EXPECT_EQ(count_of(*db, "SELECT COUNT(*) FROM read_marks"), 0);
    EXPECT_EQ(count_of(*db, "SELECT COUNT(*) FROM accounts WHERE id = 8"), 0);
    EXPECT_EQ(count_of(*db, "SELECT COUNT(*) FROM conversations WHERE assignee_id IS NULL"), 1);
}

TEST(SqliteMigrations, ARebuildIsNotStoppedByADanglingReferenceElsewhere) {
    TempDir dir;
    auto db = database_at(dir.path() / "juttu.db", 7);
    db->exec(
        "PRAGMA foreign_keys=OFF;"
        "INSERT INTO notes(workspace_id, conversation_id, author_name, body, created_at) "
        "VALUES (1, 42, 'Aino', 'left over', 0);"
        "PRAGMA foreign_keys=ON;");
    EXPECT_EQ(sqlite::apply_migrations(*db), static_cast<int>(sqlite::migrations().size()) - 7);
}

TEST(SqliteMigrations, ARebuildThatBreaksAReferenceIsRolledBack) {
    TempDir dir;
    auto db = database_at(dir.path() / "juttu.db", 7);
    // A reference foreign keys would have refused: the check before commit finds it.
    db->exec(
        "PRAGMA foreign_keys=OFF;"
        "INSERT INTO email_outbox(workspace_id, message_id, next_attempt_at, created_at) "
        "VALUES (1, 42, 0, 0);"
        "PRAGMA foreign_keys=ON;");
    EXPECT_THROW(sqlite::apply_migrations(*db), StoreError);
    EXPECT_EQ(sqlite::schema_version(*db), 7);
    EXPECT_EQ(count_of(*db,
                       "SELECT COUNT(*) FROM pragma_index_list('messages') l "
                       "JOIN pragma_index_info(l.name) i WHERE i.seqno = 0 AND "
                       "i.name = 'author_kind'"),
              1);
    EXPECT_EQ(count_of(*db, "PRAGMA foreign_keys"), 1);
}

// The opcodes sqlite would run for `sql`.
std::vector<std::string> opcodes_of(sqlite::Database& db, const std::string& sql) {
    std::vector<std::string> opcodes;
    sqlite::Statement plan = db.prepare("EXPLAIN " + sql);
    while (plan.step()) opcodes.push_back(plan.column_text(1));
    return opcodes;
}

bool builds_temporary_table(sqlite::Database& db, const std::string& sql) {
    return std::ranges::count(opcodes_of(db, sql), "OpenEphemeral") > 0;
}

// One insert per table whose CHECK migration 9 rewrote, of a row that `value` (in the
// checked column) completes; the rows they refer to are the workspace's first.
std::vector<std::string> checked_inserts(const std::string& value, int n) {
    const std::string id = std::to_string(n);
    return {
        "INSERT INTO conversations(id, workspace_id, site_id, contact_id, status, created_at, "
        "updated_at) VALUES (" +
            id + ", 1, 1, 1, '" + value + "', 0, 0)",
        "INSERT INTO messages(id, conversation_id, seq, author_kind, body, created_at) "
        "VALUES (" +
            id + ", 1, " + id + ", '" + value + "', 'Hei', 0)",
        "INSERT INTO read_marks(conversation_id, reader_kind, reader_id, seq) VALUES (1, '" +
            value + "', " + id + ", 1)",
        "INSERT INTO email_outbox(workspace_id, message_id, state, next_attempt_at, created_at) "
        "VALUES (1, 1, '" +
            value + "', 0, 0)",
    };
}

// The values each of those tables' CHECK accepts, in the same order.
const std::vector<std::vector<std::string>> checked_values{
    {"open", "pending", "closed"},
    {"visitor", "agent", "system"},
    {"visitor", "agent", "system"},
    {"pending", "sent", "failed"},
};

TEST(SqliteMigrations, ChecksAsComparisonsRefuseWhatTheyRefusedWithoutTemporaryTables) {
    TempDir dir;
    const fs::path file = dir.path() / "juttu.db";
    auto db = database_at(file, 8);
    {
        // A connection of its own: an EXPLAIN prepared before the migration is not
        // prepared again after it (the connections cache their statements).
        auto before = sqlite::Database::open(file, sqlite::Database::Mode::read_write_create);
        for (const auto& insert : checked_inserts("x", 1)) {
            ASSERT_TRUE(builds_temporary_table(*before, insert)) << insert;
        }
    }
    // A connection that was open before the migration reads the new definitions too.
    auto other = sqlite::Database::open(file, sqlite::Database::Mode::read_write_create);
    count_of(*other, "SELECT COUNT(*) FROM messages");

    EXPECT_EQ(sqlite::apply_migrations(*db), static_cast<int>(sqlite::migrations().size()) - 8);
    EXPECT_EQ(count_of(*db, "PRAGMA writable_schema"), 0);

    for (auto* connection : {db.get(), other.get()}) {
        // EXPLAIN shows the plan of the schema this connection last read; any statement
        // that reads the database makes it read the schema again.
        count_of(*connection, "SELECT COUNT(*) FROM messages");
        for (const auto& insert : checked_inserts("x", 1)) {
            EXPECT_FALSE(builds_temporary_table(*connection, insert)) << insert;
        }
    }
    db->exec(one_shop);
    // Every value each constraint accepted is accepted (rows 1 to 3 of each table), and
    // anything else is refused, from the connection opened before the migration too.
    for (std::size_t table = 0; table < checked_values.size(); ++table) {
        int row = 0;
        for (const auto& value : checked_values[table]) {
            const std::string insert = checked_inserts(value, ++row)[table];
            EXPECT_NO_THROW(db->exec(insert)) << insert;
        }
        const std::string refused = checked_inserts("robot", ++row)[table];
        EXPECT_THROW(other->exec(refused), StoreError) << refused;
    }
    EXPECT_THROW(other->exec("UPDATE conversations SET status = 'snoozed'"), StoreError);
    EXPECT_EQ(count_of(*db,
                       "SELECT COUNT(*) FROM pragma_integrity_check WHERE "
                       "integrity_check <> 'ok'"),
              0);
}

TEST(SqliteMigrations, AnEditThatFindsNoTextIsRolledBack) {
    TempDir dir;
    auto db = database_at(dir.path() / "juttu.db", 8);
    // A definition that no longer reads as the migration expects (written by hand).
    db->exec(
        "PRAGMA writable_schema=ON;"
        "UPDATE sqlite_schema SET sql = replace(sql, 'reader_kind IN', 'reader_kind  IN') "
        "WHERE name = 'read_marks';"
        "PRAGMA writable_schema=OFF;");
    EXPECT_THROW(sqlite::apply_migrations(*db), StoreError);
    EXPECT_EQ(sqlite::schema_version(*db), 8);
    EXPECT_EQ(count_of(*db, "PRAGMA writable_schema"), 0);
    // The edit of messages, made before the one that failed, was rolled back.
    EXPECT_NE(definition_of(*db, "messages").find("author_kind IN ('visitor', 'agent', 'system')"),
              std::string::npos);
}

TEST(SqliteMigrations, AnEditThatLeavesADefinitionUnreadableIsRolledBack) {
    TempDir dir;
    const fs::path file = dir.path() / "juttu.db";
    auto db = database_at(file, 9);
    const sqlite::DefinitionEdit typo{"conversations", "status = 'open' OR",
                                      "status = 'open' OR OR"};
    db->exec("BEGIN IMMEDIATE");
    EXPECT_THROW(sqlite::edit_definitions(*db, std::span(&typo, 1)), StoreError);
    db->exec("ROLLBACK");
    EXPECT_EQ(count_of(*db, "PRAGMA writable_schema"), 0);
    EXPECT_EQ(count_of(*db, "SELECT COUNT(*) FROM conversations"), 0);
    // The file still opens, with the definition as it was.
    db.reset();
    auto reopened = sqlite::Database::open(file, sqlite::Database::Mode::read_write_create);
    EXPECT_EQ(definition_of(*reopened, "conversations").find("OR OR"), std::string::npos);
}

TEST(SqliteMigrations, AConversationsActivityComesFromItsMessagesOnceItsColumnsAreGone) {
    TempDir dir;
    const fs::path file = dir.path() / "juttu.db";
    {
        auto db = database_at(file, 9);
        // The columns a message wrote, as a version-9 server left them at seq 2; updated_at
        // set below the last message's time, so that the activity read from it shows.
        db->exec(
            one_shop +
            "INSERT INTO conversations(id, workspace_id, site_id, contact_id, status, last_seq, "
            "last_message_preview, last_message_at, created_at, updated_at) "
            "VALUES (1, 1, 1, 1, 'open', 2, 'Kiitos', 20, 5, 15);"
            "INSERT INTO messages(conversation_id, seq, author_kind, body, created_at) "
            "VALUES (1, 1, 'visitor', 'Hei', 10), (1, 2, 'agent', 'Kiitos', 20);");
        EXPECT_EQ(sqlite::apply_migrations(*db), static_cast<int>(sqlite::migrations().size()) - 9);
        // The search index (migration 12) holds the messages stored before it.
        EXPECT_EQ(count_of(*db,
                           "SELECT COUNT(*) FROM message_search WHERE message_search MATCH "
                           "'kiitos'"),
                  1);
        EXPECT_EQ(count_of(*db,
                           "SELECT COUNT(*) FROM pragma_table_info('conversations') WHERE name "
                           "IN ('last_seq', 'last_message_preview', 'last_message_at')"),
                  0);
    }
    auto store = sqlite::SqliteStore::open(file);
    core::Conversation read = store->find_conversation(1, 1).value();
    EXPECT_EQ(read.last_seq, 2);
    EXPECT_EQ(read.last_message_preview, "Kiitos");
    EXPECT_EQ(read.last_message_at, 20);
    EXPECT_EQ(read.updated_at, 20);
}

TEST(SqliteMigrations, RefusesANewerDatabase) {
    TempDir dir;
    fs::path file = dir.path() / "juttu.db";
    sqlite::SqliteStore::open(file).reset();
    {
        std::unique_ptr<sqlite::Database> db =
            sqlite::Database::open(file, sqlite::Database::Mode::read_write_create);
        db->exec("INSERT INTO schema_migrations(version, applied_at) VALUES (9999, 0)");
    }
    EXPECT_THROW(sqlite::SqliteStore::open(file), StoreError);
}

TEST(SqliteMigrations, ConnectionPragmas) {
    TempDir dir;
    fs::path file = dir.path() / "juttu.db";
    sqlite::SqliteStore::open(file).reset();
    for (auto mode :
         {sqlite::Database::Mode::read_write_create, sqlite::Database::Mode::read_only}) {
        std::unique_ptr<sqlite::Database> db = sqlite::Database::open(file, mode);
        auto pragma = [&](const char* sql) {
            sqlite::Statement statement = db->prepare(sql);
            EXPECT_TRUE(statement.step());
            return statement.column_text(0);
        };
        EXPECT_EQ(pragma("PRAGMA journal_mode"), "wal");
        EXPECT_EQ(pragma("PRAGMA synchronous"), "2");  // FULL
        EXPECT_EQ(pragma("PRAGMA foreign_keys"), "1");
        EXPECT_EQ(pragma("PRAGMA busy_timeout"), "5000");
    }
}

class WriterTest : public ::testing::Test {
protected:
    void SetUp() override { restart(sqlite::Writer::Options{}); }

    // A new writer on the same file.
    void restart(sqlite::Writer::Options options) {
        writer_.reset();
        std::unique_ptr<sqlite::Database> db = sqlite::Database::open(
            dir_.path() / "writer.db", sqlite::Database::Mode::read_write_create);
        db->exec(
            "CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, name TEXT NOT NULL "
            "UNIQUE);"
            "CREATE TABLE IF NOT EXISTS refs (item_id INTEGER NOT NULL REFERENCES items(id) "
            "DEFERRABLE INITIALLY DEFERRED);");
        writer_ = std::make_unique<sqlite::Writer>(std::move(db), options);
    }

    // Holds the writer thread inside a job until release() so the next submissions
    // queue up and are taken as one batch.
    void block() {
        std::shared_future<void> gate = gate_.get_future().share();
        auto entered = std::make_shared<std::promise<void>>();
        std::future<void> in_job = entered->get_future();
        writer_->submit(
            [gate, entered](sqlite::Database&) {
                entered->set_value();
                gate.wait();
            },
            [](std::exception_ptr) {});
        in_job.wait();
    }
    void release() { gate_.set_value(); }

    // Submits a job and returns a future for its completion's error (nullptr on success).
    std::future<std::exception_ptr> submit(sqlite::Writer::Job job) {
        auto promise = std::make_shared<std::promise<std::exception_ptr>>();
        std::future<std::exception_ptr> future = promise->get_future();
        writer_->submit(std::move(job),
                        [promise](std::exception_ptr error) { promise->set_value(error); });
        return future;
    }

    static sqlite::Writer::Job insert(std::string name) {
        return [name = std::move(name)](sqlite::Database& db) {
            db.prepare("INSERT INTO items(name) VALUES (?)").bind(1, name).run();
        };
    }

    std::vector<std::string> names() {
        return writer_->run([](sqlite::Database& db) {
            std::vector<std::string> result;
            sqlite::Statement query = db.prepare("SELECT name FROM items ORDER BY id");
            while (query.step()) result.push_back(query.column_text(0));
            return result;
        });
    }

    // A writer that waits up to 30 s for `target` jobs, holding three jobs that arrived
    // during a transaction (so it expects more); returns their futures.
    std::vector<std::future<std::exception_ptr>> gathering(std::size_t target) {
        sqlite::Writer::Options options;
        options.gather_delay = std::chrono::seconds(30);
        options.gather_target = target;
        options.gather_worth = 1;
        restart(options);
        block();
        std::vector<std::future<std::exception_ptr>> waiting;
        for (int i = 0; i < 3; ++i) waiting.push_back(submit(insert("early" + std::to_string(i))));
        release();
        EXPECT_EQ(waiting.front().wait_for(std::chrono::milliseconds(100)),
                  std::future_status::timeout);
        return waiting;
    }

    TempDir dir_;
    std::promise<void> gate_;
    std::unique_ptr<sqlite::Writer> writer_;
};

TEST_F(WriterTest, AFailingJobRollsBackAloneInsideTheBatch) {
    block();
    std::future<std::exception_ptr> a = submit(insert("a"));
    // Writes a row, then fails: its row must vanish with it.
    std::future<std::exception_ptr> bad = submit([](sqlite::Database& db) {
        db.prepare("INSERT INTO items(name) VALUES ('half-done')").run();
        db.prepare("INSERT INTO items(name) VALUES ('a')").run();  // UNIQUE violation
    });
    std::future<std::exception_ptr> thrower =
        submit([](sqlite::Database&) { throw std::runtime_error("not a database error"); });
    std::future<std::exception_ptr> b = submit(insert("b"));
    StoreStats before = writer_->stats();
    EXPECT_EQ(before.queue_depth, 5u);  // the blocking job and four queued
    release();

    EXPECT_EQ(a.get(), nullptr);
    std::exception_ptr bad_error = bad.get();
    ASSERT_NE(bad_error, nullptr);
    EXPECT_THROW(std::rethrow_exception(bad_error), StoreError);
    ASSERT_NE(thrower.get(), nullptr);
    EXPECT_EQ(b.get(), nullptr);

    EXPECT_EQ(names(), (std::vector<std::string>{"a", "b"}));
    StoreStats after = writer_->stats();
    // One commit for the blocking job, one for the batch of four, one for names().
    EXPECT_EQ(after.commits, 3u);
    EXPECT_EQ(after.writes, 6u);
    EXPECT_EQ(after.queue_depth, 0u);
}

TEST_F(WriterTest, JobsRunOnceUnlessOneOfTheirBatchFails) {
    // A batch runs without savepoints first; only a failure makes it run again, one
    // savepoint per job. Either way each job's writes land once, each completion runs once.
    auto run_batch = [this](bool with_failure) {
        auto runs = std::make_shared<std::atomic<int>>(0);
        auto completions = std::make_shared<std::atomic<int>>(0);
        block();
        for (const char* name : {"one", "two", "three"}) {
            writer_->submit(
                [runs,
                 name = std::string(name) + (with_failure ? "-again" : "")](sqlite::Database& db) {
                    ++*runs;
                    insert(name)(db);
                },
                [completions](std::exception_ptr error) {
                    if (!error) ++*completions;
                });
        }
        std::future<std::exception_ptr> failing;
        if (with_failure) failing = submit(insert("one"));  // UNIQUE violation
        release();
        if (with_failure) {
            EXPECT_NE(failing.get(), nullptr);
        }
        names();  // a later job: the batch above has completed
        gate_ = std::promise<void>();
        return std::pair{runs->load(), completions->load()};
    };

    EXPECT_EQ(run_batch(false), std::pair(3, 3));
    EXPECT_EQ(run_batch(true), std::pair(6, 3));
    EXPECT_EQ(names(), (std::vector<std::string>{"one", "two", "three", "one-again", "two-again",
                                                 "three-again"}));
}

TEST_F(WriterTest, AJobWhoseTransactionVanishedFailsWithoutCommittingOthersOutsideIt) {
    // What sqlite does on disk full or an I/O error, caught inside a job: the whole
    // transaction is rolled back under the batch's feet.
    block();
    std::future<std::exception_ptr> a = submit(insert("a"));
    std::future<std::exception_ptr> vanished = submit([](sqlite::Database& db) {
        insert("b")(db);
        db.exec("ROLLBACK");
        // Carrying on regardless: this must not commit on its own.
        try {
            insert("after")(db);
        } catch (const StoreError&) {
        }
    });
    std::future<std::exception_ptr> c = submit(insert("c"));
    release();
    // "a" was rolled back with the transaction and must say so; "c" runs in a new one.
    EXPECT_NE(a.get(), nullptr);
    EXPECT_NE(vanished.get(), nullptr);
    EXPECT_EQ(c.get(), nullptr);
    EXPECT_EQ(names(), std::vector<std::string>{"c"});
}

TEST_F(WriterTest, UpkeepRunsBetweenBatchesAfterTheirCompletions) {
    // What the upkeep saw each time: whether a transaction was open, and how many
    // completions had run by then (both on the writer thread, so no lock is needed).
    std::vector<std::pair<bool, int>> seen;
    int completed = 0;
    sqlite::Writer::Options options;
    options.between_batches = [&](sqlite::Database& db) {
        seen.emplace_back(!db.autocommit(), completed);
    };
    restart(options);
    for (int i = 0; i < 3; ++i) {
        std::promise<void> done;
        writer_->submit(insert("kept" + std::to_string(i)), [&](std::exception_ptr error) {
            EXPECT_EQ(error, nullptr);
            ++completed;
            done.set_value();
        });
        done.get_future().wait();
    }
    writer_->stop();
    ASSERT_EQ(seen.size(), 3u);
    for (std::size_t i = 0; i < seen.size(); ++i) {
        EXPECT_FALSE(seen[i].first) << "batch " << i;
        EXPECT_EQ(seen[i].second, static_cast<int>(i) + 1) << "batch " << i;
    }
}

TEST_F(WriterTest, AFullQueueRefusesMoreAndWritesNothingOfIt) {
    sqlite::Writer::Options options;
    options.max_queue = 2;
    restart(options);
    block();  // the writer holds that job; the queue is empty again
    auto first = submit(insert("queued0"));
    auto second = submit(insert("queued1"));
    EXPECT_THROW(submit(insert("refused")), StoreError);
    release();
    EXPECT_EQ(first.get(), nullptr);
    EXPECT_EQ(second.get(), nullptr);
    EXPECT_EQ(names(), (std::vector<std::string>{"queued0", "queued1"}));
}

TEST_F(WriterTest, AQuietWriterCommitsAtOnce) {
    sqlite::Writer::Options options;
    options.gather_delay = std::chrono::seconds(30);
    restart(options);
    for (int i = 0; i < 5; ++i) {
        auto started = std::chrono::steady_clock::now();
        ASSERT_EQ(submit(insert("quiet" + std::to_string(i))).get(), nullptr);
        EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
    }
}

TEST_F(WriterTest, UnderLoadJobsWaitToShareATransaction) {
    // Jobs arriving while a transaction runs tell the writer that more are coming: they
    // wait for company instead of committing on their own...
    std::vector<std::future<std::exception_ptr>> gathered = gathering(8);
    // ...until the batch is full: all eight commit together.
    for (int i = 0; i < 5; ++i) gathered.push_back(submit(insert("late" + std::to_string(i))));
    for (auto& future : gathered) ASSERT_EQ(future.get(), nullptr);
    const StoreStats stats = writer_->stats();  // this writer's: the blocking job, then the eight
    EXPECT_EQ(stats.commits, 2u);
    EXPECT_EQ(stats.writes, 9u);
}

TEST_F(WriterTest, AJobSomebodyWaitsForEndsAGatheringWait) {
    std::vector<std::future<std::exception_ptr>> waiting = gathering(64);
    // run() blocks its caller: the batch commits now, with it.
    auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(names().size(), 3u);
    for (auto& future : waiting) EXPECT_EQ(future.get(), nullptr);
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
}

TEST_F(WriterTest, StopEndsAGatheringWait) {
    std::vector<std::future<std::exception_ptr>> waiting = gathering(64);
    auto started = std::chrono::steady_clock::now();
    writer_->stop();
    for (auto& future : waiting) EXPECT_EQ(future.get(), nullptr);
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST_F(WriterTest, AFailedCommitFailsEveryJobInTheBatch) {
    block();
    std::future<std::exception_ptr> a = submit(insert("a"));
    // A deferred foreign key is only checked at COMMIT, so the job itself succeeds.
    std::future<std::exception_ptr> dangling =
        submit([](sqlite::Database& db) { db.exec("INSERT INTO refs(item_id) VALUES (12345)"); });
    std::future<std::exception_ptr> b = submit(insert("b"));
    release();

    for (auto* future : {&a, &dangling, &b}) {
        std::exception_ptr error = future->get();
        ASSERT_NE(error, nullptr);
        try {
            std::rethrow_exception(error);
        } catch (const sqlite::SqliteError& e) {
            EXPECT_EQ(e.code() & 0xff, 19) << e.what();  // SQLITE_CONSTRAINT
        }
    }
    EXPECT_TRUE(names().empty());

    // The writer carries on with the next batch.
    EXPECT_EQ(submit(insert("c")).get(), nullptr);
    EXPECT_EQ(names(), std::vector<std::string>{"c"});
}

TEST_F(WriterTest, RunReturnsValuesAndRethrows) {
    EXPECT_EQ(writer_->run([](sqlite::Database& db) {
        db.prepare("INSERT INTO items(name) VALUES ('x')").run();
        return db.last_insert_rowid();
    }),
              1);
    EXPECT_THROW(writer_->run([](sqlite::Database& db) {
        db.prepare("INSERT INTO items(name) VALUES ('x')").run();
    }),
                 StoreError);
    EXPECT_EQ(names(), std::vector<std::string>{"x"});
}

TEST_F(WriterTest, StopFinishesQueuedJobsThenRefusesNewOnes) {
    block();
    std::vector<std::future<std::exception_ptr>> pending;
    for (int i = 0; i < 50; ++i) pending.push_back(submit(insert("item" + std::to_string(i))));
    std::thread stopper([this] { writer_->stop(); });
    release();
    stopper.join();
    for (auto& future : pending) EXPECT_EQ(future.get(), nullptr);
    EXPECT_THROW(writer_->submit([](sqlite::Database&) {}, [](std::exception_ptr) {}), StoreError);

    std::unique_ptr<sqlite::Database> db =
        sqlite::Database::open(dir_.path() / "writer.db", sqlite::Database::Mode::read_only);
    sqlite::Statement count = db->prepare("SELECT COUNT(*) FROM items");
    ASSERT_TRUE(count.step());
    EXPECT_EQ(count.column_int64(0), 50);
}

TEST_F(WriterTest, BatchesAreBounded) {
    sqlite::Writer::Options options;
    options.max_batch = 10;
    restart(options);
    block();
    std::vector<std::future<std::exception_ptr>> pending;
    for (int i = 0; i < 35; ++i) pending.push_back(submit(insert("n" + std::to_string(i))));
    release();
    for (auto& future : pending) EXPECT_EQ(future.get(), nullptr);
    // The blocking job alone, then 35 jobs in batches of at most 10.
    EXPECT_EQ(writer_->stats().commits, 5u);
}

}  // namespace
}  // namespace juttu::store
