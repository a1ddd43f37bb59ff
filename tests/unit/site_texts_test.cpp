#include "core/site_texts.hpp"

#include <gtest/gtest.h>

namespace juttu::core {
namespace {

Site shop() {
    Site site;
    site.greeting = "Hi!";
    site.offline_message = "We are away.";
    site.translations = {{"sv", "Hej!", "Vi är borta."},
                         {"fi-FI", "Hei!", ""},
                         {"en-GB", "Hello, love!", "Away, back soon."}};
    return site;
}

TEST(SiteTexts, ThePagesLanguageFirstThenTheBrowsers) {
    EXPECT_EQ(texts_for(shop(), {"sv", "fi"}).greeting, "Hej!");
    EXPECT_EQ(texts_for(shop(), {"", "sv-SE"}).greeting, "Hej!");  // no page language
    EXPECT_EQ(texts_for(shop(), {"de", "sv"}).greeting, "Hej!");   // the page's is not there
}

TEST(SiteTexts, WholeTagThenPrimarySubtagThenSibling) {
    EXPECT_EQ(texts_for(shop(), {"SV-fi"}).language, "sv");     // primary subtag, any case
    EXPECT_EQ(texts_for(shop(), {"fi"}).language, "fi-FI");     // a sibling of "fi"
    EXPECT_EQ(texts_for(shop(), {"en-GB"}).language, "en-GB");  // whole tag
    EXPECT_EQ(texts_for(shop(), {"en-US"}).language, "en-GB");  // a sibling
    Site both = shop();
    both.translations.push_back({"en", "Hello!", ""});
    EXPECT_EQ(texts_for(both, {"en-US"}).language, "en");  // the primary before a sibling
    EXPECT_EQ(texts_for(both, {"en-GB"}).language, "en-GB");
}

TEST(SiteTexts, EmptyTextsAndUnknownLanguagesFallBackToTheSitesOwn) {
    const auto finnish = texts_for(shop(), {"fi"});
    EXPECT_EQ(finnish.greeting, "Hei!");
    EXPECT_EQ(finnish.offline_message, "We are away.");  // the translation left it empty
    const auto german = texts_for(shop(), {"de-DE", "de"});
    EXPECT_EQ(german.language, "");
    EXPECT_EQ(german.greeting, "Hi!");
    EXPECT_EQ(german.offline_message, "We are away.");
    EXPECT_EQ(texts_for(shop(), {}).greeting, "Hi!");
    EXPECT_EQ(texts_for(Site{}, {"sv"}).greeting, "");
}

TEST(SiteTexts, PrimaryLanguage) {
    EXPECT_EQ(primary_language("sv-FI"), "sv");
    EXPECT_EQ(primary_language("FI"), "fi");
    EXPECT_EQ(primary_language(""), "");
}

}  // namespace
}  // namespace juttu::core
