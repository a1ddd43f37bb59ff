#include "services/identity/identity_verifier.hpp"

#include <gtest/gtest.h>

#include "services/auth/crypto.hpp"

namespace juttu::services::identity {
namespace {

constexpr core::TimeMs now = 1'764'080'000'000;  // ms
constexpr std::int64_t now_s = now / 1000;
const std::string secret = "k3xV9_first-secret-of-the-shop-0123456789ab";
const std::string second_secret = "Zq8_second-secret-of-the-shop-0123456789cd";

std::string hex(std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char byte : bytes) {
        out += digits[byte >> 4];
        out += digits[byte & 0x0F];
    }
    return out;
}

// A JWT as a shop's library makes one: header and claims as given, signed with `key`.
std::string jwt(const std::string& header, const std::string& claims, const std::string& key) {
    const std::string signed_part = base64url(header) + "." + base64url(claims);
    return signed_part + "." + base64url(hmac_sha256(key, signed_part));
}

const std::string hs256 = R"({"alg":"HS256","typ":"JWT"})";

std::string claims_expiring_at(std::int64_t exp) {
    return R"({"sub":"user-42","name":"Maija","email":"maija@example.com","exp":)" +
           std::to_string(exp) + "}";
}

IdentityClaim token(std::string text) { return IdentityClaim{std::move(text), "", ""}; }

core::Result<VerifiedIdentity> check(const IdentityClaim& claim,
                                     std::vector<std::string> secrets = {secret}) {
    return verify(claim, secrets, now);
}

void expect_refused(const core::Result<VerifiedIdentity>& result, std::string_view why) {
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().code, core::ErrorCode::bad_identity);
    EXPECT_NE(result.error().message.find(why), std::string::npos) << result.error().message;
}

TEST(Hmac, MatchesRfc4231) {
    EXPECT_EQ(hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(UserHash, TheShopsHashOfTheUserIdVerifies) {
    const auto hash = hex(hmac_sha256(secret, "user-42"));
    auto result = check({"", "user-42", hash});
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.value().user_id, "user-42");
    EXPECT_FALSE(result.value().name);
}

TEST(UserHash, UpperCaseHexIsTheSameHash) {
    std::string hash = hex(hmac_sha256(secret, "user-42"));
    for (auto& c : hash) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_TRUE(check({"", "user-42", hash}).ok());
}

TEST(UserHash, AnotherUsersHashOrAnotherSecretIsRefused) {
    expect_refused(check({"", "user-43", hex(hmac_sha256(secret, "user-42"))}), "does not match");
    expect_refused(check({"", "user-42", hex(hmac_sha256("not-the-secret", "user-42"))}),
                   "does not match");
    expect_refused(check({"", "user-42", "abc"}), "64 hex digits");
    expect_refused(check({"", "user-42", std::string(64, 'g')}), "64 hex digits");
}

TEST(UserHash, TheUserIdIsOneLineOfAtMost200Bytes) {
    const std::string long_id(201, 'x');
    expect_refused(check({"", long_id, hex(hmac_sha256(secret, long_id))}), "1-200 bytes");
    expect_refused(check({"", "a\nb", hex(hmac_sha256(secret, "a\nb"))}), "1-200 bytes");
    expect_refused(check({"", "", hex(hmac_sha256(secret, ""))}), "1-200 bytes");
}

TEST(Token, AGoodTokenGivesTheUserAndTheirNameAndEmail) {
    auto result = check(token(jwt(hs256, claims_expiring_at(now_s + 600), secret)));
    ASSERT_TRUE(result.ok()) << result.error().message;
    EXPECT_EQ(result.value().user_id, "user-42");
    EXPECT_EQ(result.value().name, "Maija");
    EXPECT_EQ(result.value().email, "maija@example.com");
}

TEST(Token, AForgedSignatureIsRefused) {
    auto good = jwt(hs256, claims_expiring_at(now_s + 600), secret);
    // The claims changed after signing: another user, the old signature.
    const auto dot = good.find('.');
    const auto last = good.rfind('.');
    auto forged = good.substr(0, dot + 1) +
                  base64url(R"({"sub":"admin","exp":)" + std::to_string(now_s + 600) + "}") +
                  good.substr(last);
    expect_refused(check(token(forged)), "signature does not match");
}

TEST(Token, AnotherSecretsTokenIsRefused) {
    expect_refused(check(token(jwt(hs256, claims_expiring_at(now_s + 600), "other-shop"))),
                   "signature does not match");
}

TEST(Token, AnExpiredTokenIsRefusedAfterTheClockSkew) {
    EXPECT_TRUE(check(token(jwt(hs256, claims_expiring_at(now_s - 59), secret))).ok());
    expect_refused(check(token(jwt(hs256, claims_expiring_at(now_s - 61), secret))), "expired");
    expect_refused(check(token(jwt(hs256, R"({"sub":"user-42"})", secret))), "no exp");
    expect_refused(check(token(jwt(hs256, R"({"sub":"user-42","exp":"soon"})", secret))),
                   "exp must be");
}

TEST(Token, NotBeforeAndIssuedAtMayNotBeInTheFuture) {
    const auto exp = std::to_string(now_s + 600);
    const auto later = std::to_string(now_s + 120);
    expect_refused(
        check(token(jwt(hs256, R"({"sub":"u","exp":)" + exp + R"(,"nbf":)" + later + "}", secret))),
        "nbf is in the future");
    expect_refused(
        check(token(jwt(hs256, R"({"sub":"u","exp":)" + exp + R"(,"iat":)" + later + "}", secret))),
        "iat is in the future");
    const auto soon = std::to_string(now_s + 30);
    EXPECT_TRUE(
        check(token(jwt(hs256, R"({"sub":"u","exp":)" + exp + R"(,"nbf":)" + soon + "}", secret)))
            .ok());
}

TEST(Token, AlgNoneIsRefusedSignedOrNot) {
    const auto claims = base64url(claims_expiring_at(now_s + 600));
    const auto none = base64url(R"({"alg":"none","typ":"JWT"})");
    expect_refused(check(token(none + "." + claims + ".")), "alg must be HS256");
    expect_refused(check(token(jwt(R"({"alg":"none"})", claims_expiring_at(now_s + 600), secret))),
                   "alg must be HS256");
}

TEST(Token, OtherAlgorithmsAreRefused) {
    for (const char* header : {R"({"alg":"HS512"})", R"({"alg":"hs256"})", R"({"alg":"RS256"})",
                               R"({"typ":"JWT"})", R"({"alg":["HS256"]})"}) {
        expect_refused(check(token(jwt(header, claims_expiring_at(now_s + 600), secret))),
                       "alg must be HS256");
    }
}

TEST(Token, MalformedPartsAreRefused) {
    const auto good = jwt(hs256, claims_expiring_at(now_s + 600), secret);
    expect_refused(check(token("not-a-token")), "three base64url parts");
    expect_refused(check(token(good + ".x")), "three base64url parts");
    expect_refused(check(token("e30=." + good.substr(good.find('.') + 1))), "header");
    expect_refused(check(token(base64url("{not json") + good.substr(good.find('.')))), "header");
    expect_refused(check(token(base64url("[1]") + good.substr(good.find('.')))), "header");
    expect_refused(check(token(jwt(hs256, "{\"sub\":", secret))), "claims");
    expect_refused(check(token(jwt(hs256, R"({"sub":42,"exp":9999999999})", secret))), "sub");
    expect_refused(check(token(good.substr(0, good.rfind('.') + 1) + "AAAA")), "signature");
    expect_refused(check(token(std::string(5000, 'a'))), "4096");
}

TEST(Token, TheSecondActiveSecretIsAccepted) {
    auto signed_by_second = token(jwt(hs256, claims_expiring_at(now_s + 600), second_secret));
    EXPECT_TRUE(check(signed_by_second, {secret, second_secret}).ok());
    // Rotated out: once the site keeps only the first, the second's tokens fail.
    expect_refused(check(signed_by_second, {secret}), "signature does not match");
}

TEST(Verify, WithoutSecretsNothingVerifies) {
    const auto hash = hex(hmac_sha256("", "user-42"));
    expect_refused(verify({"", "user-42", hash}, {}, now), "no identity secret");
}

TEST(Base64url, IsStrict) {
    EXPECT_EQ(base64url_decode("aGk"), "hi");
    EXPECT_FALSE(base64url_decode("aGk="));  // padding
    EXPECT_FALSE(base64url_decode("aG+k"));  // the other alphabet
    EXPECT_FALSE(base64url_decode("a"));     // no encoding is this long
    EXPECT_FALSE(base64url_decode("aGl"));   // bits set past the last byte
}

}  // namespace
}  // namespace juttu::services::identity
