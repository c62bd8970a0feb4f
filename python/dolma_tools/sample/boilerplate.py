"""Fixed lines that recur across documents, as on real sites: the paragraph-dedupe targets.

Every line here is one paragraph (no inner newline), so it is the same unit whether a
deduper splits on ``\\n`` (Dolma) or on blank lines. Any line that the generator can
emit in more than one document comes from this catalogue and is reported in the ground
truth; all other lines are random text, unique with overwhelming probability.
"""

from __future__ import annotations

BOILERPLATE: dict[str, tuple[str, ...]] = {
    "nav_menu": (
        "Home | About Us | Services | Blog | Contact",
        "Home › Shop › New Arrivals › Sale › Gift Cards › Help",
        "Menu: Home · News · Events · Gallery · Members · Log in",
        "Skip to main content | Home | Products | Support | Careers | Search",
        "HOME  /  RECIPES  /  TRAVEL  /  ABOUT  /  SUBSCRIBE",
        "Start » Articles » Reviews » Guides » Forum » Shop",
    ),
    "cookie_notice": (
        "We use cookies to improve your experience on our site. By continuing to browse, "
        "you agree to our use of cookies. Learn more in our Cookie Policy.",
        "This website uses cookies to personalise content and analyse traffic. Accept all "
        "cookies | Manage preferences",
        "Cookies help us deliver our services. By using our services, you agree to our use "
        "of cookies. OK, got it",
        "We and our partners store and access information on your device for measurement "
        "and personalised ads. Click Accept to consent or Settings to choose.",
        "Our site uses essential cookies to work and optional cookies to understand how you "
        "use it. Allow optional cookies?",
    ),
    "newsletter": (
        "Sign up for our newsletter and get 10% off your first order!",
        "Subscribe to our weekly newsletter. No spam, unsubscribe at any time.",
        "Get the latest stories delivered to your inbox — join 25,000 readers today.",
        "Enter your email address to subscribe to this blog and receive notifications of "
        "new posts by email.",
        "Don't miss out! Subscribe for tips, offers and news from our team.",
    ),
    "copyright": (
        "© 2023 All rights reserved.",
        "Copyright © 2019–2024. All Rights Reserved. Privacy Policy | Terms of Use",
        "© 2022 Powered by a free website builder. Theme by a small studio.",
        "All content © the authors. Reproduction without permission is prohibited.",
        "Privacy Policy · Terms & Conditions · Accessibility · Sitemap · © 2024",
    ),
    "share_bar": (
        "Share this: Facebook Twitter Pinterest Email Print",
        "Share on social media: 👍 Like · 💬 Comment · ↗ Share",
        "Related posts: you may also like these articles",
        "Was this article helpful? Yes No",
    ),
    "javascript_notice": (
        "You need to enable JavaScript to run this app.",
        "Please enable JavaScript in your browser to view this page properly.",
        "JavaScript is disabled in your browser. Some features of this site will not work.",
    ),
    "section_heading": (
        "== History ==", "== Geography ==", "== Economy ==", "== Culture ==",
        "== Notable people ==", "== Transport ==", "== See also ==", "== References ==",
        "== Education ==", "== Climate ==", "== Architecture ==", "== Further reading ==",
    ),
    "forum_reply": (
        "Thanks in advance!",
        "Any help appreciated.",
        "+1, same problem here.",
        "Bump.",
        "Cheers,",
        "Hope this helps.",
        "Thanks, that worked!",
        "Sent from my phone",
        "Edit: fixed typo.",
        "Following this thread.",
    ),
    "news_footer": (
        "Our journalism is supported by readers. Support independent reporting today.",
        "Read more: the latest headlines from around the region",
        "This article has been updated with additional information.",
        "Sign up for breaking news alerts on your phone.",
    ),
}
