// juttu_bench_seed: fills a Juttu data dir through the Store API for the benchmarks.
//
//   juttu_bench_seed chat --db DIR/juttu.db --workspaces W --agents-per-workspace G
//                         --origin O --out FILE
//     W workspaces, each with one site (allowing origin O) and G agents with a live
//     session. Writes one line per workspace: "SITE_KEY TOKEN..." (the agents' session
//     tokens, as login would return them). Works while the server runs, as `juttu admin`.
//
//   juttu_bench_seed conversations --db DIR/juttu.db --conversations N --messages M
//     one workspace and site with N visitors, each with an open conversation of M messages.
#include <CLI/CLI.hpp>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <stdexcept>

#include "bench_util.hpp"
#include "services/auth/crypto.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace {

namespace store = juttu::store;
namespace core = juttu::core;
using juttu::services::random_token;
using juttu::services::sha256_hex;

constexpr unsigned seed_threads = 64;  // concurrent writes share commits

core::Site make_site(core::Id workspace, const std::string& name, const std::string& origin) {
    core::Site site;
    site.workspace_id = workspace;
    site.key = random_token("s_", 12);
    site.name = name;
    site.allowed_origins = {origin};
    site.greeting = "Hi! How can we help?";
    site.color = "#2b6cb0";
    site.created_at = bench::epoch_ms();
    return site;
}

int seed_chat(const std::filesystem::path& db_file, std::size_t workspaces, std::size_t agents,
              const std::string& origin, const std::filesystem::path& out_file) {
    auto db = store::sqlite::SqliteStore::open(db_file);
    // One hash for every agent: argon2 is slow on purpose and the password is never used.
    const auto password_hash = juttu::services::hash_password("bench-password-not-used");
    const auto tag = random_token("", 6);
    std::vector<std::string> lines(workspaces);
    bench::Stopwatch clock;
    bench::parallel_for(workspaces, seed_threads, [&](std::size_t w) {
        const auto now = bench::epoch_ms();
        const auto name = "Bench " + tag + " " + std::to_string(w + 1);
        const auto workspace = db->create_workspace(name, now);
        std::string line = db->create_site(make_site(workspace.id, name, origin)).key;
        for (std::size_t a = 0; a < agents; ++a) {
            core::Agent agent;
            agent.workspace_id = workspace.id;
            agent.email = "agent" + std::to_string(a + 1) + ".ws" + std::to_string(w + 1) + "." +
                          tag + "@bench.example";
            for (auto& c : agent.email)
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            agent.name = "Agent " + std::to_string(a + 1);
            agent.role = core::Role::agent;
            agent.created_at = now;
            const auto created = db->create_agent(agent, password_hash);
            if (!created) throw std::runtime_error("agent email taken: " + agent.email);
            const auto token = random_token("st_", 32);
            db->create_session(created->id, sha256_hex(token), now, now + 24LL * 3600 * 1000);
            line += " " + token;
        }
        lines[w] = line;
    });
    std::ofstream out(out_file);
    for (const auto& line : lines) out << line << "\n";
    std::cerr << "seed: " << workspaces << " workspaces with " << agents << " agent(s) each in "
              << clock.seconds() << " s" << std::endl;
    return out ? 0 : 1;
}

int seed_conversations(const std::filesystem::path& db_file, std::size_t conversations,
                       std::size_t messages) {
    auto db = store::sqlite::SqliteStore::open(db_file);
    bench::Stopwatch clock;
    const auto workspace = db->create_workspace("Stored " + random_token("", 6), bench::epoch_ms());
    const auto site =
        db->create_site(make_site(workspace.id, "Stored shop", "http://bench.localhost"));
    std::vector<core::Id> contacts(conversations);
    bench::parallel_for(conversations, seed_threads, [&](std::size_t i) {
        contacts[i] = db->create_contact(workspace.id, site.id, sha256_hex(random_token("ct_", 24)),
                                         bench::epoch_ms())
                          .id;
    });
    // Messages go in rounds, so that each conversation's first one creates it.
    std::mutex mutex;
    std::condition_variable done;
    std::size_t outstanding = 0;
    std::atomic<std::size_t> failed{0};
    for (std::size_t round = 0; round < messages; ++round) {
        for (std::size_t i = 0; i < conversations; ++i) {
            {
                std::unique_lock lock(mutex);
                done.wait(lock, [&] { return outstanding < 4096; });
                ++outstanding;
            }
            store::NewMessage m;
            m.workspace_id = workspace.id;
            m.site_id = site.id;
            m.contact_id = contacts[i];
            m.author_kind = core::AuthorKind::visitor;
            m.author_id = contacts[i];
            m.client_id = "seed-" + std::to_string(round);
            m.body = "Message " + std::to_string(round + 1) + ": do you ship to Tampere as well?";
            m.at = bench::epoch_ms();
            db->append_message_async(std::move(m), [&](store::AppendResult result) {
                if (result.status != store::AppendResult::Status::stored) ++failed;
                std::lock_guard lock(mutex);
                --outstanding;
                done.notify_all();
            });
        }
        std::unique_lock lock(mutex);
        done.wait(lock, [&] { return outstanding == 0; });
    }
    std::cerr << "seed: " << conversations << " conversations of " << messages << " messages in "
              << clock.seconds() << " s" << std::endl;
    return failed == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Seeds a Juttu data dir for the benchmarks"};
    app.require_subcommand(1);
    std::filesystem::path db_file;
    auto* chat = app.add_subcommand("chat", "workspaces with agents and live sessions");
    std::size_t workspaces = 1;
    std::size_t agents = 1;
    std::string origin = "http://bench.localhost";
    std::filesystem::path out_file;
    chat->add_option("--db", db_file)->required();
    chat->add_option("--workspaces", workspaces);
    chat->add_option("--agents-per-workspace", agents);
    chat->add_option("--origin", origin, "normalised: scheme://host[:port], lower-case");
    chat->add_option("--out", out_file)->required();
    auto* stored = app.add_subcommand("conversations", "stored conversations");
    std::size_t conversations = 10000;
    std::size_t messages = 3;
    stored->add_option("--db", db_file)->required();
    stored->add_option("--conversations", conversations);
    stored->add_option("--messages", messages, "per conversation");
    CLI11_PARSE(app, argc, argv);
    try {
        if (chat->parsed()) return seed_chat(db_file, workspaces, agents, origin, out_file);
        return seed_conversations(db_file, conversations, messages);
    } catch (const std::exception& e) {
        std::cerr << "juttu_bench_seed: " << e.what() << std::endl;
        return 1;
    }
}
