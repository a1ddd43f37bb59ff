// juttu_store_bench: durable message inserts per second.
//
// Like `juttu serve`, it raises glibc's malloc trim threshold first (--malloc-trim-threshold 0
// measures with glibc's default).
//
//  1. group commit: SqliteStore::append_message_async with up to --in-flight messages
//     queued, so the writer gathers them into shared transactions (one fsync each);
//  2. serial: the same store, one append_message at a time (one commit each);
//  3. naive: a raw sqlite3 connection, WAL and synchronous=FULL like the store, one
//     transaction per message doing the same work (bump the seq, insert the message).
//
// Same machine, same directory, same run. Prints one `BENCH {"scenario":"storage",...}`.
#include <malloc.h>
#include <sqlite3.h>

#include <CLI/CLI.hpp>
#include <cmath>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_util.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace {

using juttu::core::Id;
namespace store = juttu::store;

struct Options {
    std::filesystem::path dir;
    std::size_t messages = 20000;
    std::size_t contacts = 1000;
    std::size_t in_flight = 1000;
    std::size_t serial_messages = 300;
    std::size_t naive_messages = 2000;
    double naive_seconds = 5;
    // The trim threshold `juttu serve` sets at start (src/app/serve.cpp), so the store runs
    // as in the server; 0 keeps glibc's default (dynamic) threshold.
    std::size_t trim_threshold = 512U << 20;
};

struct Fixture {
    std::unique_ptr<store::sqlite::SqliteStore> db;
    Id workspace = 0;
    Id site = 0;
    std::vector<Id> contacts;
};

store::NewMessage visitor_message(const Fixture& f, std::size_t contact, std::size_t n) {
    store::NewMessage m;
    m.workspace_id = f.workspace;
    m.site_id = f.site;
    m.contact_id = f.contacts[contact];
    m.author_kind = juttu::core::AuthorKind::visitor;
    m.author_id = f.contacts[contact];
    m.client_id = "c" + std::to_string(n);
    m.body =
        "Hello! Is this still available in blue, and when would it ship? #" + std::to_string(n);
    m.at = bench::epoch_ms();
    return m;
}

Fixture make_fixture(const Options& o) {
    Fixture f;
    f.db = store::sqlite::SqliteStore::open(o.dir / "store.db");
    f.workspace = f.db->create_workspace("Storage bench", bench::epoch_ms()).id;
    juttu::core::Site site;
    site.workspace_id = f.workspace;
    site.key = "s_storebench";
    site.name = "Storage bench";
    site.allowed_origins = {"http://bench.localhost"};
    site.created_at = bench::epoch_ms();
    f.site = f.db->create_site(site).id;
    f.contacts.resize(o.contacts);
    // Many threads at once, so that even the set-up is group-committed.
    bench::parallel_for(o.contacts, 64, [&](std::size_t i) {
        f.contacts[i] = f.db->create_contact(f.workspace, f.site,
                                             "bench-token-" + std::to_string(i), bench::epoch_ms())
                            .id;
    });
    return f;
}

// Bytes this process has caused to be written to disk so far (/proc/self/io).
double disk_write_bytes() {
    std::ifstream io("/proc/self/io");
    std::string key;
    double value = 0;
    while (io >> key >> value) {
        if (key == "write_bytes:") return value;
    }
    return 0;
}

struct GroupCommitResult {
    double per_s = 0;
    double commit_ms = 0;  // mean time of one transaction, BEGIN to COMMIT
    double disk_bytes_per_msg = 0;
    double ack_p50_ms = 0;
    double ack_p99_ms = 0;
    double batch = 0;  // messages per commit
};

// Submits `count` messages keeping at most `in_flight` queued; waits for the last ack.
GroupCommitResult group_commit(Fixture& f, std::size_t count, std::size_t in_flight,
                               std::size_t first_number) {
    std::mutex mutex;
    std::condition_variable changed;
    std::size_t outstanding = 0;
    std::size_t failed = 0;
    std::vector<double> latencies(count);
    const auto before = f.db->stats();
    const auto written_before = disk_write_bytes();
    bench::Stopwatch clock;
    for (std::size_t i = 0; i < count; ++i) {
        {
            std::unique_lock lock(mutex);
            changed.wait(lock, [&] { return outstanding < in_flight; });
            ++outstanding;
        }
        const double submitted = clock.seconds();
        f.db->append_message_async(visitor_message(f, i % f.contacts.size(), first_number + i),
                                   [&, i, submitted](store::AppendResult result) {
                                       latencies[i] = (clock.seconds() - submitted) * 1000;
                                       std::lock_guard lock(mutex);
                                       if (result.status != store::AppendResult::Status::stored)
                                           ++failed;
                                       --outstanding;
                                       changed.notify_all();
                                   });
    }
    {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return outstanding == 0; });
    }
    const double elapsed = clock.seconds();
    if (failed > 0) throw std::runtime_error(std::to_string(failed) + " appends failed");
    GroupCommitResult r;
    r.per_s = static_cast<double>(count) / elapsed;
    r.ack_p50_ms = bench::percentile(latencies, 0.50);
    r.ack_p99_ms = bench::percentile(latencies, 0.99);
    const auto after = f.db->stats();
    const auto commits = after.commits - before.commits;
    r.batch = commits == 0 ? 0 : static_cast<double>(count) / static_cast<double>(commits);
    r.commit_ms = commits == 0 ? 0
                               : (after.commit_seconds_sum - before.commit_seconds_sum) * 1000 /
                                     static_cast<double>(commits);
    r.disk_bytes_per_msg = (disk_write_bytes() - written_before) / static_cast<double>(count);
    return r;
}

double serial(Fixture& f, std::size_t count, std::size_t first_number) {
    bench::Stopwatch clock;
    for (std::size_t i = 0; i < count; ++i) {
        auto result =
            f.db->append_message(visitor_message(f, i % f.contacts.size(), first_number + i));
        if (result.status != store::AppendResult::Status::stored) {
            throw std::runtime_error("append failed: " + result.error);
        }
    }
    return static_cast<double>(count) / clock.seconds();
}

// --- The naive baseline on a raw connection ---

void check(sqlite3* db, int rc, const char* what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        throw std::runtime_error(std::string(what) + ": " + sqlite3_errmsg(db));
    }
}

double naive(const std::filesystem::path& file, std::size_t max_messages, double max_seconds,
             std::size_t conversations) {
    sqlite3* db = nullptr;
    check(db, sqlite3_open(file.c_str(), &db), "open");
    check(db,
          sqlite3_exec(
              db,
              "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
              "CREATE TABLE conversations(id INTEGER PRIMARY KEY, last_seq INTEGER NOT NULL,"
              " last_message_at INTEGER NOT NULL);"
              "CREATE TABLE messages(id INTEGER PRIMARY KEY, conversation_id INTEGER NOT NULL,"
              " seq INTEGER NOT NULL, client_id TEXT NOT NULL, body TEXT NOT NULL,"
              " created_at INTEGER NOT NULL, UNIQUE(conversation_id, seq),"
              " UNIQUE(conversation_id, client_id));",
              nullptr, nullptr, nullptr),
          "schema");
    for (std::size_t c = 1; c <= conversations; ++c) {
        const auto sql = "INSERT INTO conversations VALUES (" + std::to_string(c) + ", 0, 0)";
        check(db, sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), "seed");
    }
    sqlite3_stmt* bump = nullptr;
    sqlite3_stmt* insert = nullptr;
    check(
        db,
        sqlite3_prepare_v2(db,
                           "UPDATE conversations SET last_seq = last_seq + 1, last_message_at = ?2 "
                           "WHERE id = ?1 RETURNING last_seq",
                           -1, &bump, nullptr),
        "prepare");
    check(db,
          sqlite3_prepare_v2(
              db,
              "INSERT INTO messages(conversation_id, seq, client_id, body, created_at) "
              "VALUES (?, ?, ?, ?, ?)",
              -1, &insert, nullptr),
          "prepare");
    bench::Stopwatch clock;
    std::size_t done = 0;
    for (; done < max_messages && clock.seconds() < max_seconds; ++done) {
        const auto conversation = static_cast<sqlite3_int64>(done % conversations + 1);
        const auto now = bench::epoch_ms();
        const auto client_id = "c" + std::to_string(done);
        const auto body = "Hello! Is this still available in blue, and when would it ship? #" +
                          std::to_string(done);
        check(db, sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), "begin");
        sqlite3_bind_int64(bump, 1, conversation);
        sqlite3_bind_int64(bump, 2, now);
        check(db, sqlite3_step(bump), "bump");
        const auto seq = sqlite3_column_int64(bump, 0);
        sqlite3_reset(bump);
        sqlite3_bind_int64(insert, 1, conversation);
        sqlite3_bind_int64(insert, 2, seq);
        sqlite3_bind_text(insert, 3, client_id.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 4, body.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(insert, 5, now);
        check(db, sqlite3_step(insert), "insert");
        sqlite3_reset(insert);
        check(db, sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), "commit");
    }
    const double per_s = static_cast<double>(done) / clock.seconds();
    sqlite3_finalize(bump);
    sqlite3_finalize(insert);
    sqlite3_close(db);
    return per_s;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Juttu storage benchmark"};
    Options o;
    app.add_option("--dir", o.dir, "an empty directory on the disk to measure")->required();
    app.add_option("--messages", o.messages, "messages through the group-committing writer");
    app.add_option("--contacts", o.contacts, "conversations they are spread over");
    app.add_option("--in-flight", o.in_flight, "messages queued at once");
    app.add_option("--serial-messages", o.serial_messages);
    app.add_option("--naive-messages", o.naive_messages);
    app.add_option("--naive-seconds", o.naive_seconds);
    app.add_option("--malloc-trim-threshold", o.trim_threshold,
                   "bytes, as juttu serve sets it; 0: glibc's default");
    CLI11_PARSE(app, argc, argv);
    if (o.trim_threshold > 0) mallopt(M_TRIM_THRESHOLD, static_cast<int>(o.trim_threshold));
    try {
        std::filesystem::create_directories(o.dir);
        auto fixture = make_fixture(o);
        // Every contact's first message opens its conversation; not measured.
        group_commit(fixture, o.contacts, o.in_flight, 0);
        const auto grouped = group_commit(fixture, o.messages, o.in_flight, o.contacts);
        const auto one_by_one = serial(fixture, o.serial_messages, o.contacts + o.messages);
        const auto raw = naive(o.dir / "naive.db", o.naive_messages, o.naive_seconds, o.contacts);
        std::cerr << "storage: group commit " << grouped.per_s << "/s (" << grouped.batch
                  << " per commit), serial store " << one_by_one << "/s, naive " << raw << "/s"
                  << std::endl;
        bench::BenchLine("storage")
            .add("group_commit_per_s", std::round(grouped.per_s))
            .add("naive_per_s", std::round(raw))
            .add("serial_store_per_s", std::round(one_by_one))
            .add("ratio", std::round(grouped.per_s / raw * 10) / 10)
            .add("messages", static_cast<double>(o.messages))
            .add("malloc_trim_threshold", static_cast<double>(o.trim_threshold))
            .add("in_flight", static_cast<double>(o.in_flight))
            .add("messages_per_commit", std::round(grouped.batch * 10) / 10)
            .add("commit_ms", std::round(grouped.commit_ms * 100) / 100)
            .add("disk_bytes_per_msg", std::round(grouped.disk_bytes_per_msg))
            .add("ack_p50_ms", std::round(grouped.ack_p50_ms * 1000) / 1000)
            .add("ack_p99_ms", std::round(grouped.ack_p99_ms * 1000) / 1000)
            .print();
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "juttu_store_bench: " << e.what() << std::endl;
        return 1;
    }
}
