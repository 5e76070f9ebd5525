"""The organisation's OSEC fact sheet, copied into the app as the site's first content.

Kept as data so the loader stays small and staff can later change every word in the admin.
"""

ORGANISATION = {
    "name": "IJM Philippines",
    "address": "\n".join(
        [
            "19/F Marco Polo",
            "Ortigas, Sapphire Road",
            "Ortigas Center",
            "Pasig City 1600",
            "Philippines",
        ]
    ),
    "phone": "632 8 637 3983",
    "fax": "632 8 633 7707",
    "web_address": "https://www.OSEC.IJM.org",
    "email": "",
}

HOME = {
    "title": "IJM Philippines",
    "slug": "home",
    "seo_title": "IJM Philippines: ending the online sexual exploitation of children",
    "search_description": (
        "IJM works with the Philippine government to protect children from online sexual "
        "exploitation: law enforcement, prosecution and aftercare."
    ),
    "hero_kicker": "IJM Philippines",
    "hero_heading": "Ending the online sexual exploitation of children",
    "hero_text": (
        "IJM works with the Philippine government, international law enforcement, and relevant "
        "stakeholders to combat the trafficking of Filipino children for livestreamed sexual abuse."
    ),
    # The footer's line under the name, on every page in English.
    "tagline": "Protecting Filipino children from online sexual exploitation.",
}

PROBLEM = {
    "kicker": "The problem",
    "heading": "Online sexual exploitation of children (OSEC)",
    "text": (
        "<p>Filipino children are vulnerable to this fast-growing trafficking crime, with infants "
        "as young as two months old at risk.</p>"
        "<p>Children are trafficked by parents, trusted relatives, friends, or neighbors for the "
        "creation of child sexual exploitation material (CSEM) like photos and videos.</p>"
        "<p>Traffickers livestream the exploitation to satisfy the online demand of child sex "
        "offenders in foreign countries paying to direct the abuse in real time.</p>"
    ),
}

PILLARS = {
    "kicker": "The response",
    "heading": "IJM works with the Philippine government against this crime",
    "pillars": [
        {
            "title": "Law enforcement",
            "text": "IJM provides support to law enforcement agencies in the investigation of "
            "suspects and in rescue operations.",
        },
        {
            "title": "Prosecution",
            "text": "IJM supports child-protective prosecution in its casework and collaboration "
            "with the Department of Justice.",
        },
        {
            "title": "Aftercare",
            "text": "Partnering with social services, IJM supports the care of each survivor.",
        },
    ],
}

FACTS = {
    "kicker": "The facts",
    "heading": "A global hotspot for OSEC",
    "text": (
        "<p>The Philippines is a global hotspot for OSEC, the livestreaming of online child sexual "
        "abuse.</p>"
        "<p>OSEC affects minors of all ages, from months-old infants to 17 year-olds, male and "
        "female.</p>"
    ),
    "facts": [
        {
            "figure": "750,000",
            "label": "child sex predators online at any given time",
            "source": "United Nations and United States FBI",
            "year": 2011,
            "qualifier": "estimated",
        },
        {
            "figure": "550,000 to 850,000",
            "label": "people in the UK alone posing a threat to children online",
            "source": "UK National Crime Agency",
            "year": 2021,
            "qualifier": "estimated",
        },
    ],
}

MISSION = {
    "heading": "Our mission",
    "text": (
        "<p>IJM works with the Philippine government, international law enforcement, and relevant "
        "stakeholders to combat the trafficking of Filipino children for livestreamed sexual "
        "abuse.</p>"
        "<p>IJM Philippines seeks to protect children from online sexual exploitation by "
        "strengthening the capacity of the Philippine criminal justice system to enforce the law, "
        "increasing local and global collaboration, building trauma-informed networks of care, "
        "and empowering survivor and government leadership.</p>"
    ),
}

MILESTONES = {
    "kicker": "Since 2011",
    "heading": "Milestones",
    "milestones": [
        {
            "year": 2011,
            "text": "<p>IJM responds to the <b>first reported cases of online sexual exploitation "
            "of children.</b></p>",
        },
        {
            "year": 2016,
            "text": "<p>IJM <b>fully focused its resources on battling OSEC</b>, working with the "
            "government in investigations and law enforcement, prosecution, and aftercare.</p>",
        },
        {
            "year": 2017,
            "text": "<p>The Philippines, through IJM, received a generous donation from the U.S. "
            "government. This partnership, aptly named the <b>U.S.-Philippine Child Protection "
            "Compact</b>, accelerated the work against online sexual exploitation of children."
            "</p>",
        },
        {
            "year": 2019,
            "text": "<p>IJM becomes founding member of <b>the international law enforcement "
            "collaborative, Philippine Internet Crimes against Children Center (PICACC)</b>, "
            "together with the Philippine National Police, National Bureau of Investigation, "
            "Australian Federal Police, UK National Crime Agency, and National Police of the "
            "Netherlands.</p>",
        },
        {
            "year": 2020,
            "text": "<p>Launch of the <b>Center to End Online Sexual Exploitation of Children</b>, "
            "which works to protect children from online sexual exploitation from a global "
            "perspective, committed to seeing the proliferation of this crime come to an end.</p>",
        },
    ],
}

# The 2022 milestone, the strongest sign of hope, given a place of its own on the home page.
HOPE = {
    "kicker": "Change is possible",
    "figure": "1,000+",
    "label": "survivors and at-risk children brought to safety in IJM-supported operations "
    "since 2011",
    "source": "IJM Philippines, 2022",
}
HOPE_MILESTONE_YEAR = 2022

DONATE_CTA = {
    "heading": "Help bring children to safety",
    "text": "Your gift supports rescue operations, child-protective prosecution and "
    "trauma-informed aftercare for survivors in the Philippines.",
    "button_text": "Donate",
}

CONTACT = {
    "heading": "Contact us",
    "text": "To learn more about IJM's work against online sexual exploitation of children, "
    "get in touch.",
}

FEATURED_STORY = {"kicker": "A survivor's story", "link_text": "Read Aaron's story"}

STORY_INDEX = {
    "title": "Stories",
    "slug": "stories",
    "intro": "<p>Survivors' stories, told with their consent. Every name is a pseudonym.</p>",
}

AARON = {
    "title": "Aaron's Story",
    "slug": "aarons-story",
    "pseudonym_note": "*A pseudonym",
    "summary": (
        "Aaron* is a five-year-old boy who loves cars and superheroes. Today, he feels the "
        "happiest while playing and the safest at home. But this wasn't always the case."
    ),
    "paragraphs": [
        "Aaron* is a five-year-old boy who loves cars and superheroes. Today, he feels the "
        "happiest while playing and the safest at home. But this wasn't always the case.",
        "In 2019, Philippine authorities arrested a German national in Lapu-Lapu City, on the "
        "island of Cebu, for sexually abusing and exploiting young children, and selling child "
        "sexual exploitation materials (CSEM) to multiple people in multiple countries over the "
        "internet. One of the children he abused and filmed is his son Aaron. Aaron was two years "
        "old when he was rescued.",
        "It was in 2017 when German and Australian police discovered evidence of Aaron's father "
        "producing and selling CSEM. They shared this information with Philippine authorities, "
        "including the Philippine National Police - Women and Children Protection Center "
        "(PNP-WCPC). This intelligence was acted upon during the Advanced Investigative Workshop "
        "(AIW), a highly contextualized mentorship-based workshop, guided by visiting experts and "
        "IJM. The investigations led to the arrest of Aaron's father and the rescue of Aaron and "
        "other children who were similarly exploited.",
        "Aaron's father is detained and is on trial for charges of Qualified Trafficking under "
        "Philippine law.",
        "Following his rescue, Aaron was brought to an Assessment Center where a "
        "multidisciplinary team began providing trauma-informed services including therapeutic "
        "interventions, and the combined expertise of multiple agencies.",
        "Not soon after, Aaron was placed in the care of loving foster parents, in a place where "
        "he can freely be a child again. Aaron enjoys playing with cars and anything related to "
        "superheroes. His favorite: Captain America!",
    ],
}

ABOUT = {
    "title": "About IJM Philippines",
    "slug": "about",
    "intro": "IJM Philippines seeks to protect children from online sexual exploitation.",
    "body": MISSION["text"],
}

# The privacy notice says what the site really does (see the donations app): staff must review it
# with the organisation's data protection officer before launch (README, "Privacy notice").
PRIVACY = {
    "title": "Privacy",
    "slug": "privacy",
    "seo_title": "Privacy notice",
    "intro": "What this site collects when you give, why, who handles your card, how long we "
    "keep it and how to ask us to delete it.",
    "sections": [
        (
            "What we collect",
            "<p>When you give, the donate form asks for your name and email address, the "
            "amount, the currency, whether the gift is one-time or monthly and, if you choose, a "
            "dedication (in honour or in memory of someone) and whether your gift should be "
            "anonymous. We also record the page you gave from, the date, and the references "
            "Stripe gives the payment.</p>"
            "<p>Reading the site asks nothing of you: it uses no advertising or tracking "
            "cookies. The donate form sets one security cookie that protects it from forged "
            "submissions.</p>",
        ),
        (
            "Why we collect it",
            "<p>To take your gift, to send your receipt by email, to look after a monthly gift "
            "and to answer you if you write to us. We do not sell or share your details for "
            "marketing.</p>",
        ),
        (
            "Who handles your card",
            "<p>Payments are processed by Stripe on its own secure checkout page. Your card number "
            "is typed into Stripe's page, never into ours: this site never sees or stores it. "
            "Stripe keeps its own records of the payment under its privacy policy.</p>",
        ),
        (
            "How long we keep it",
            "<p>We keep the record of each gift (amount, currency, date and payment references) "
            "for as long as our accounting obligations require. Your name and email are kept with "
            "it until you ask us to delete them.</p>"
            "<p>If you give monthly, you can change, pause or stop your gift yourself on the "
            "“Manage my monthly gift” page: we email you a sign-in link that works once "
            "and for 30 minutes. Each change you make there is recorded (what changed, when, and "
            "the internet address it came from) so that we can answer questions about your gift. "
            "The internet address is deleted after 90 days; the rest is kept with the gift.</p>",
        ),
        (
            "Asking us to delete your details",
            "<p>Write to us using the contact details at the foot of every page and say which "
            "email address you gave with. Our finance team erases your name, email and "
            "dedication from our records and keeps only the money record, which the law asks us "
            "to keep. If you give monthly, we first ask you to stop the monthly gift: we cannot "
            "erase the details of a gift that is still running.</p>",
        ),
    ],
}
