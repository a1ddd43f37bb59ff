// juttu_search_bench: what full-text search costs as the messages grow.
//
//  1. index: group-committed appends (as store_bench) on two fresh stores, in one of
//     them the message index replaced by a plain table, in alternating rounds: FTS5's
//     cost per message is the difference of their times; computing a message's terms
//     (which both stores do) is timed apart;
//  2. search: one workspace filled with --messages messages (default a million) in
//     conversations of --per-conversation messages over a year (all closed but the
//     newest hundred), shop chat in English,
//     Finnish and Swedish with order numbers and e-mails; then each kind of query below,
//     --queries times, through services::Search as GET /search runs it (a page of 20
//     with the newest matches of each): p50 and p99 per kind, and the database's size.
//
// Prints one `BENCH {"scenario":"search_index",...}` and one `search` line per kind.
#include <sqlite3.h>

#include <CLI/CLI.hpp>
#include <array>
#include <condition_variable>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_util.hpp"
#include "services/search/search_service.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace {

using juttu::core::Id;
namespace store = juttu::store;
namespace fs = std::filesystem;

struct Options {
    fs::path dir;
    std::size_t messages = 1'000'000;
    std::size_t per_conversation = 10;
    std::size_t index_messages = 20'000;  // per store and round of the index comparison
    std::size_t index_rounds = 3;
    std::size_t queries = 200;
    std::size_t in_flight = 1000;
};

// --- The corpus: what visitors of a Nordic shop write ---

constexpr std::array phrases = {
    "Hi, where is my order {order}? It was supposed to arrive on Friday.",
    "The parcel arrived damaged, the lamp shade is broken. Can I get a replacement?",
    "Do you ship to Åland, and how long does delivery take?",
    "I would like to return the blue cushion covers, they are the wrong size.",
    "My e-mail is {email}, please send the invoice there.",
    "Hei! Missä tilaukseni {order} on? Sen piti tulla perjantaina.",
    "Paketti tuli rikki, lampunvarjostin on haljennut. Saisinko uuden tilalle?",
    "Voinko palauttaa sinisen tyynynpäällisen, se on väärän kokoinen?",
    "Toimitatteko Ahvenanmaalle ja kauanko toimitus kestää?",
    "Sähköpostini on {email}, lähettäkää lasku sinne kiitos.",
    "Hej, var är min beställning {order}? Den skulle komma på fredag.",
    "Paketet kom trasigt, lampskärmen är sönder. Kan jag få en ny?",
    "Kan jag returnera de blå kuddfodralen? De är i fel storlek.",
    "Thanks, that helps a lot!",
    "Kiitos paljon, hyvää päivänjatkoa!",
    "Is the oak table still in stock in the 180 cm size?",
    "Onko tammipöytää vielä varastossa 180 cm koossa?",
    "Can I change the delivery address of order {order}?",
    "Voiko tilauksen {order} toimitusosoitetta vielä muuttaa?",
    "The discount code SPRING did not work at checkout.",
};

std::string order_number(std::size_t n) { return "ORD-" + std::to_string(100000 + n); }

std::string email_of(std::size_t contact) {
    return "asiakas" + std::to_string(contact) + "@example.fi";
}

std::string fill(std::string text, std::size_t order, std::size_t contact) {
    for (auto [key, value] :
         {std::pair{std::string("{order}"), order_number(order)}, {"{email}", email_of(contact)}}) {
        if (auto at = text.find(key); at != std::string::npos) text.replace(at, key.size(), value);
    }
    return text;
}

// --- Stores ---

struct Shop {
    std::unique_ptr<store::sqlite::SqliteStore> db;
    Id workspace = 0;
    Id site = 0;
    std::vector<Id> contacts;
};

Shop open_shop(const fs::path& file, std::size_t contacts) {
    Shop shop;
    shop.db = store::sqlite::SqliteStore::open(file);
    shop.workspace = shop.db->create_workspace("Search bench", bench::epoch_ms()).id;
    juttu::core::Site site;
    site.workspace_id = shop.workspace;
    site.key = "s_searchbench";
    site.name = "Search bench";
    site.allowed_origins = {"http://bench.localhost"};
    site.created_at = bench::epoch_ms();
    shop.site = shop.db->create_site(site).id;
    shop.contacts.resize(contacts);
    bench::parallel_for(contacts, 64, [&](std::size_t i) {
        shop.contacts[i] =
            shop.db
                ->create_contact(shop.workspace, shop.site, "search-bench-" + std::to_string(i),
                                 bench::epoch_ms())
                .id;
    });
    return shop;
}

void exec(const fs::path& file, const char* sql) {
    sqlite3* db = nullptr;
    int rc = sqlite3_open(file.c_str(), &db);
    if (rc == SQLITE_OK) rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
    const std::string error = rc == SQLITE_OK ? "" : sqlite3_errmsg(db);
    sqlite3_close(db);
    if (!error.empty()) throw std::runtime_error(error);
}

// Message n of the run: contact n / per_conversation, so that each conversation's
// messages follow one another, at a time spread evenly over `span_ms` from `start_ms`.
store::NewMessage message_for(const Shop& shop, std::size_t n, std::size_t per_conversation,
                              std::int64_t start_ms, double step_ms) {
    const std::size_t contact = (n / per_conversation) % shop.contacts.size();
    store::NewMessage m;
    m.workspace_id = shop.workspace;
    m.site_id = shop.site;
    m.contact_id = shop.contacts[contact];
    m.author_kind = juttu::core::AuthorKind::visitor;
    m.author_id = m.contact_id;
    m.client_id = "b" + std::to_string(n);
    m.body = fill(phrases[(n * 2654435761U >> 7) % phrases.size()], n / per_conversation, contact);
    m.at = start_ms + static_cast<std::int64_t>(static_cast<double>(n) * step_ms);
    return m;
}

// Appends messages [first, first + count) keeping `in_flight` queued; returns the seconds.
double append(Shop& shop, std::size_t first, std::size_t count, const Options& o,
              std::int64_t start_ms, double step_ms) {
    std::mutex mutex;
    std::condition_variable changed;
    std::size_t outstanding = 0;
    std::size_t failed = 0;
    bench::Stopwatch clock;
    for (std::size_t n = first; n < first + count; ++n) {
        {
            std::unique_lock lock(mutex);
            changed.wait(lock, [&] { return outstanding < o.in_flight; });
            ++outstanding;
        }
        shop.db->append_message_async(message_for(shop, n, o.per_conversation, start_ms, step_ms),
                                      [&](store::AppendResult result) {
                                          std::lock_guard lock(mutex);
                                          if (result.status != store::AppendResult::Status::stored)
                                              ++failed;
                                          --outstanding;
                                          changed.notify_all();
                                      });
    }
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return outstanding == 0; });
    if (failed > 0) throw std::runtime_error(std::to_string(failed) + " appends failed");
    return clock.seconds();
}

// --- 1. The index's cost per message ---

void index_cost(const Options& o) {
    const auto contacts = o.index_messages / o.per_conversation;
    fs::create_directories(o.dir / "index");
    Shop with = open_shop(o.dir / "index" / "with.db", contacts);
    Shop without = open_shop(o.dir / "index" / "without.db", contacts);
    // The index replaced by a plain table: the store still computes each message's terms
    // and writes them, to an ordinary row. (Statements prepared before are prepared again
    // by SQLite on their next use.)
    exec(o.dir / "index" / "without.db",
         "DROP TABLE message_search; CREATE TABLE message_search(terms TEXT)");
    double with_s = 0;
    double without_s = 0;
    const auto now = bench::epoch_ms();
    for (std::size_t round = 0; round < o.index_rounds; ++round) {
        const auto first = round * o.index_messages;
        with_s += append(with, first, o.index_messages, o, now, 1);
        without_s += append(without, first, o.index_messages, o, now, 1);
    }
    const double total = static_cast<double>(o.index_messages * o.index_rounds);
    // What computing the terms costs (words and their stems), apart from writing them.
    bench::Stopwatch terms_clock;
    std::size_t terms_bytes = 0;
    for (std::size_t n = 0; n < o.index_messages; ++n) {
        terms_bytes +=
            juttu::core::search::index_terms(message_for(with, n, o.per_conversation, now, 1).body)
                .size();
    }
    const double terms_us = terms_clock.seconds() / static_cast<double>(o.index_messages) * 1e6;
    bench::BenchLine("search_index")
        .add("messages", total)
        .add("with_index_per_s", total / with_s)
        .add("without_index_per_s", total / without_s)
        .add("fts_us_per_message", (with_s - without_s) / total * 1e6)
        .add("terms_us_per_message", terms_us)
        .add("terms_bytes_per_message",
             static_cast<double>(terms_bytes) / static_cast<double>(o.index_messages))
        .print();
}

// --- 2. Searching a million messages ---

struct QueryKind {
    const char* name;
    std::function<std::string(std::size_t)> text;
};

std::vector<QueryKind> query_kinds(std::size_t conversations, std::size_t contacts) {
    return {
        {"order_number", [=](std::size_t i) { return order_number((i * 7919) % conversations); }},
        {"email", [=](std::size_t i) { return email_of((i * 104729) % contacts); }},
        {"common_word", [](std::size_t i) { return i % 2 ? "delivery" : "toimitus"; }},
        {"finnish_stem", [](std::size_t) { return "tilauksen"; }},
        {"two_words", [](std::size_t i) { return i % 2 ? "lamp broken" : "paketti rikki"; }},
        {"no_match", [](std::size_t i) { return "zzyzx" + std::to_string(i); }},
    };
}

void search_at_scale(const Options& o) {
    const auto conversations = o.messages / o.per_conversation;
    fs::create_directories(o.dir / "scale");
    const auto file = o.dir / "scale" / "juttu.db";
    Shop shop = open_shop(file, conversations);
    constexpr double year_ms = 365.0 * 24 * 3600 * 1000;
    const auto start = bench::epoch_ms() - static_cast<std::int64_t>(year_ms);
    const double step_ms = year_ms / static_cast<double>(o.messages);
    const double fill_s = append(shop, 0, o.messages, o, start, step_ms);
    // A shop's year: every conversation closed but the newest hundred, each ten minutes
    // after its last message, as an agent closes a finished chat.
    const std::size_t open_left = std::min<std::size_t>(100, conversations);
    bench::parallel_for(conversations - open_left, 64, [&](std::size_t i) {
        const auto last_message = static_cast<double>((i + 1) * o.per_conversation - 1);
        const auto closed_at = start + static_cast<std::int64_t>(last_message * step_ms) + 600'000;
        shop.db->set_conversation_status(shop.workspace, static_cast<Id>(i + 1),
                                         juttu::core::ConversationStatus::closed, closed_at);
    });
    std::error_code ignored;
    const auto wal = fs::path(file.string() + "-wal");
    const auto bytes = fs::file_size(file, ignored) + (fs::exists(wal) ? fs::file_size(wal) : 0);
    std::cerr << "filled " << o.messages << " messages in " << fill_s << " s\n";

    juttu::services::Search search(*shop.db);
    for (const auto& kind : query_kinds(conversations, conversations)) {
        std::vector<double> latencies;
        double found = 0;
        for (std::size_t i = 0; i < o.queries; ++i) {
            store::ConversationFilter filter;
            filter.workspace_id = shop.workspace;
            filter.limit = 20;
            bench::Stopwatch clock;
            auto page = search.conversations(kind.text(i), filter);
            latencies.push_back(clock.seconds() * 1000);
            if (!page.ok()) throw std::runtime_error(page.error().message);
            found += static_cast<double>(page.value().items.size());
        }
        bench::BenchLine("search")
            .add("kind", kind.name)
            .add("messages", static_cast<double>(o.messages))
            .add("conversations", static_cast<double>(conversations))
            .add("fill_per_s", static_cast<double>(o.messages) / fill_s)
            .add("db_bytes_per_message",
                 static_cast<double>(bytes) / static_cast<double>(o.messages))
            .add("results_per_query", found / static_cast<double>(o.queries))
            .add("p50_ms", bench::percentile(latencies, 0.50))
            .add("p99_ms", bench::percentile(latencies, 0.99))
            .print();
    }
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    CLI::App app{"juttu_search_bench: the cost of the search index and of searching"};
    app.add_option("--dir", o.dir, "an empty directory for the databases")->required();
    app.add_option("--messages", o.messages, "messages to search")->check(CLI::PositiveNumber);
    app.add_option("--per-conversation", o.per_conversation, "messages per conversation")
        ->check(CLI::PositiveNumber);
    app.add_option("--index-messages", o.index_messages, "messages per store and round")
        ->check(CLI::PositiveNumber);
    app.add_option("--index-rounds", o.index_rounds)->check(CLI::PositiveNumber);
    app.add_option("--queries", o.queries, "queries of each kind")->check(CLI::PositiveNumber);
    CLI11_PARSE(app, argc, argv);
    try {
        index_cost(o);
        search_at_scale(o);
    } catch (const std::exception& e) {
        std::cerr << "juttu_search_bench: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
