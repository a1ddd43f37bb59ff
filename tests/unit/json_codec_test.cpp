#include "api/json_codec.hpp"

#include <gtest/gtest.h>

namespace juttu::api {
namespace {

json::object object(std::string_view text) { return *parse_object(text); }

TEST(ParseObject, OnlyOneJsonObject) {
    EXPECT_TRUE(parse_object(R"({"type":"ping"})").has_value());
    EXPECT_FALSE(parse_object("").has_value());
    EXPECT_FALSE(parse_object("[1,2]").has_value());
    EXPECT_FALSE(parse_object("\"hello\"").has_value());
    EXPECT_FALSE(parse_object("{\"type\":").has_value());
    EXPECT_FALSE(parse_object("{} {}").has_value());
}

TEST(FieldReader, ReadsTypedFields) {
    auto o = object(R"({"s":"text","i":42,"b":true,"a":["x","y"],"n":null})");
    FieldReader in(o);
    EXPECT_EQ(in.text("s", true), "text");
    EXPECT_EQ(in.integer("i", true), 42);
    EXPECT_EQ(in.boolean("b", true), true);
    EXPECT_EQ(in.texts("a", true), (std::vector<std::string>{"x", "y"}));
    auto nullable = in.nullable_integer("n", true);
    ASSERT_TRUE(nullable.has_value());
    EXPECT_FALSE(nullable->has_value());
    EXPECT_FALSE(in.text("missing", false).has_value());
    EXPECT_TRUE(in.ok());
}

TEST(FieldReader, AnObjectWhereAStringBelongsIsAnError) {
    auto o = object(R"({"email":{"$gt":""}})");
    FieldReader in(o);
    EXPECT_FALSE(in.text("email", true).has_value());
    EXPECT_FALSE(in.ok());
    EXPECT_EQ(in.error(), "field 'email' must be a string");
}

TEST(FieldReader, NeverCoercesTypes) {
    auto o = object(R"({"id":"5","seq":1.5,"flag":1,"list":["a",2]})");
    FieldReader ids(o);
    EXPECT_FALSE(ids.integer("id", true).has_value());
    EXPECT_EQ(ids.error(), "field 'id' must be an integer");
    FieldReader seqs(o);
    EXPECT_FALSE(seqs.integer("seq", true).has_value());
    FieldReader flags(o);
    EXPECT_FALSE(flags.boolean("flag", true).has_value());
    FieldReader lists(o);
    EXPECT_FALSE(lists.texts("list", true).has_value());
}

TEST(FieldReader, EnforcesRangesLengthsAndPresence) {
    auto o = object(R"({"limit":501,"body":"abcdef"})");
    FieldReader limit(o);
    EXPECT_FALSE(limit.integer("limit", true, 1, 500).has_value());
    FieldReader body(o);
    EXPECT_FALSE(body.text("body", true, 5).has_value());
    FieldReader required(o);
    EXPECT_FALSE(required.text("client_id", true).has_value());
    EXPECT_EQ(required.error(), "field 'client_id' is required");
}

TEST(FieldReader, KeepsTheFirstProblem) {
    auto o = object(R"({"a":1,"b":2})");
    FieldReader in(o);
    in.text("a", true);
    in.text("b", true);
    EXPECT_EQ(in.error(), "field 'a' must be a string");
}

TEST(ToJson, MessageCarriesAuthorAndSeq) {
    core::Message message;
    message.id = 9;
    message.conversation_id = 5;
    message.seq = 3;
    message.client_id = "c-1";
    message.author_kind = core::AuthorKind::agent;
    message.author_id = 2;
    message.author_name = "Anna";
    message.body = "Hei";
    auto j = to_json(message);
    EXPECT_EQ(j.at("seq").as_int64(), 3);
    EXPECT_EQ(j.at("author").at("kind").as_string(), "agent");
    EXPECT_EQ(j.at("author").at("name").as_string(), "Anna");
    EXPECT_EQ(j.at("body").as_string(), "Hei");
}

}  // namespace
}  // namespace juttu::api
