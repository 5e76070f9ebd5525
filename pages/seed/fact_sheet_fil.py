"""The OSEC fact sheet in Filipino: the Filipino pages' first content.

MACHINE-ASSISTED TRANSLATION of ``pages/seed/fact_sheet.py``, written in plain, respectful
Filipino for a general Philippine audience. The organisation must have it reviewed by a fluent
Filipino speaker on its staff before launch (README, "Filipino content").

Same shape and names as the English fact sheet, so the loader reads either one. Names of
organisations, places and programmes, figures, sources, years, the address and the phone numbers
are exactly as in the English (tests/test_seed_filipino.py checks it); only the prose is
translated. Slugs are not here: a translation keeps its English page's slug, so a visitor
switching language lands on the same address under ``/fil/``.
"""

HOME = {
    "title": "IJM Philippines",
    "seo_title": "IJM Philippines: wakasan ang online na sekswal na pagsasamantala sa mga bata",
    "search_description": (
        "Katuwang ng IJM ang pamahalaan ng Pilipinas sa pagprotekta sa mga bata laban sa online "
        "na sekswal na pagsasamantala: pagpapatupad ng batas, pag-uusig, at pangangalaga sa mga "
        "nakaligtas."
    ),
    "hero_kicker": "IJM Philippines",
    "hero_heading": "Wakasan ang online na sekswal na pagsasamantala sa mga bata",
    "hero_text": (
        "Katuwang ng IJM ang pamahalaan ng Pilipinas, ang mga tagapagpatupad ng batas mula sa "
        "iba't ibang bansa, at iba pang kinauukulang sektor sa paglaban sa trafficking ng mga "
        "batang Pilipino para sa sekswal na pang-aabusong ipinapalabas nang live sa internet."
    ),
    "tagline": "Pinoprotektahan ang mga batang Pilipino laban sa online na sekswal na "
    "pagsasamantala.",
}

PROBLEM = {
    "kicker": "Ang problema",
    "heading": "Online na sekswal na pagsasamantala sa mga bata (OSEC)",
    "text": (
        "<p>Bulnerable ang mga batang Pilipino sa mabilis na lumalaganap na krimeng ito ng "
        "trafficking. Nanganganib maging ang mga sanggol na dalawang buwan pa lamang.</p>"
        "<p>Tina-traffic ang mga bata ng mga magulang, pinagkakatiwalaang kamag-anak, kaibigan, "
        "o kapitbahay para gumawa ng child sexual exploitation material (CSEM), gaya ng mga "
        "larawan at video.</p>"
        "<p>Ipinapalabas nang live (livestream) ng mga trafficker ang pang-aabuso para tugunan "
        "ang online na demand ng mga child sex offender sa ibang bansa, na nagbabayad para "
        "diktahan ang pang-aabuso habang nangyayari ito.</p>"
    ),
}

PILLARS = {
    "kicker": "Ang aming tugon",
    "heading": "Katuwang ng pamahalaan ng Pilipinas ang IJM laban sa krimeng ito",
    "pillars": [
        {
            "title": "Pagpapatupad ng batas",
            "text": "Tumutulong ang IJM sa mga ahensiyang nagpapatupad ng batas sa pag-iimbestiga "
            "sa mga suspek at sa mga operasyon ng pagsagip.",
        },
        {
            "title": "Pag-uusig",
            "text": "Sinusuportahan ng IJM ang pag-uusig na nangangalaga sa kapakanan ng bata, sa "
            "paghawak nito ng mga kaso at sa pakikipagtulungan sa Department of Justice.",
        },
        {
            "title": "Pangangalaga sa mga nakaligtas",
            "text": "Katuwang ang mga ahensiya ng serbisyong panlipunan, tinutulungan ng IJM ang "
            "pangangalaga sa bawat nakaligtas.",
        },
    ],
}

FACTS = {
    "kicker": "Ang mga datos",
    "heading": "Sentro ng OSEC sa buong mundo",
    "text": (
        "<p>Isa ang Pilipinas sa mga pangunahing sentro ng OSEC sa buong mundo: ang pagpapalabas "
        "nang live ng sekswal na pang-aabuso sa mga bata sa internet.</p>"
        "<p>Tinatamaan ng OSEC ang mga menor de edad sa lahat ng edad, mula sa mga sanggol na "
        "ilang buwan pa lamang hanggang sa mga 17 taong gulang, lalaki man o babae.</p>"
    ),
    "facts": [
        {
            "figure": "750,000",
            "label": "sekswal na mapang-abuso sa mga bata ang naka-online sa anumang oras",
            "source": "United Nations and United States FBI",
            "year": 2011,
            "qualifier": "tinatayang",
        },
        {
            "figure": "550,000 hanggang 850,000",
            "label": "katao sa UK pa lamang ang banta sa mga bata online",
            "source": "UK National Crime Agency",
            "year": 2021,
            "qualifier": "tinatayang",
        },
    ],
}

MISSION = {
    "heading": "Ang aming misyon",
    "text": (
        "<p>Katuwang ng IJM ang pamahalaan ng Pilipinas, ang mga tagapagpatupad ng batas mula sa "
        "iba't ibang bansa, at iba pang kinauukulang sektor sa paglaban sa trafficking ng mga "
        "batang Pilipino para sa sekswal na pang-aabusong ipinapalabas nang live sa internet.</p>"
        "<p>Layunin ng IJM Philippines na protektahan ang mga bata laban sa online na sekswal na "
        "pagsasamantala sa pamamagitan ng pagpapalakas sa kakayahan ng sistema ng hustisyang "
        "kriminal ng Pilipinas na ipatupad ang batas, pagpapalawak ng pagtutulungan sa loob at "
        "labas ng bansa, pagbubuo ng mga network ng pangangalagang may malasakit sa trauma ng "
        "mga nakaligtas, at pagpapalakas sa pamumuno ng mga nakaligtas at ng pamahalaan.</p>"
    ),
}

MILESTONES = {
    "kicker": "Mula 2011",
    "heading": "Mga mahahalagang yugto",
    "milestones": [
        {
            "year": 2011,
            "text": "<p>Tumugon ang IJM sa <b>mga unang naiulat na kaso ng online na sekswal na "
            "pagsasamantala sa mga bata.</b></p>",
        },
        {
            "year": 2016,
            "text": "<p>Itinuon ng IJM <b>ang lahat ng mapagkukunan nito sa paglaban sa OSEC</b>, "
            "katuwang ang pamahalaan sa imbestigasyon at pagpapatupad ng batas, pag-uusig, at "
            "pangangalaga sa mga nakaligtas.</p>",
        },
        {
            "year": 2017,
            "text": "<p>Tumanggap ang Pilipinas, sa pamamagitan ng IJM, ng malaking donasyon mula "
            "sa pamahalaan ng Estados Unidos. Pinabilis ng pagtutulungang ito, na angkop na "
            "tinawag na <b>U.S.-Philippine Child Protection Compact</b>, ang paglaban sa online "
            "na sekswal na pagsasamantala sa mga bata.</p>",
        },
        {
            "year": 2019,
            "text": "<p>Naging isa ang IJM sa mga nagtatag ng <b>samahan ng mga tagapagpatupad ng "
            "batas mula sa iba't ibang bansa, ang Philippine Internet Crimes against Children "
            "Center (PICACC)</b>, kasama ang Philippine National Police, National Bureau of "
            "Investigation, Australian Federal Police, UK National Crime Agency, at National "
            "Police of the Netherlands.</p>",
        },
        {
            "year": 2020,
            "text": "<p>Inilunsad ang <b>Center to End Online Sexual Exploitation of "
            "Children</b>, na nagsisikap protektahan ang mga bata laban sa online na sekswal na "
            "pagsasamantala sa pandaigdigang pananaw, at nakatuon sa tuluyang pagwawakas ng "
            "paglaganap ng krimeng ito.</p>",
        },
    ],
}

HOPE = {
    "kicker": "May pag-asa ng pagbabago",
    "figure": "1,000+",
    "label": "nakaligtas at batang nasa panganib ang nadala sa kaligtasan sa mga operasyong "
    "sinuportahan ng IJM mula 2011",
    "source": "IJM Philippines, 2022",
}

DONATE_CTA = {
    "heading": "Tumulong na mailigtas ang mga bata",
    "text": "Sinusuportahan ng iyong donasyon ang mga operasyon ng pagsagip, ang pag-uusig na "
    "nangangalaga sa kapakanan ng bata, at ang pangangalagang may malasakit sa trauma ng mga "
    "nakaligtas sa Pilipinas.",
    "button_text": "Mag-donate",
}

CONTACT = {
    "heading": "Makipag-ugnayan sa amin",
    "text": "Para malaman ang higit pa tungkol sa gawain ng IJM laban sa online na sekswal na "
    "pagsasamantala sa mga bata, makipag-ugnayan sa amin.",
}

FEATURED_STORY = {
    "kicker": "Kuwento ng isang nakaligtas",
    "link_text": "Basahin ang kuwento ni Aaron",
}

STORY_INDEX = {
    "title": "Mga Kuwento",
    "intro": "<p>Mga kuwento ng mga nakaligtas, ibinahagi nang may kanilang pahintulot. Hindi "
    "tunay na pangalan ang bawat pangalang ginamit.</p>",
}

AARON = {
    "title": "Ang Kuwento ni Aaron",
    "pseudonym_note": "*Hindi tunay na pangalan",
    "summary": (
        "Si Aaron* ay limang taong gulang na batang lalaki na mahilig sa mga kotse at "
        "superhero. Ngayon, pinakamasaya siya kapag naglalaro at pinakaligtas kapag nasa bahay. "
        "Pero hindi laging ganito."
    ),
    "paragraphs": [
        "Si Aaron* ay limang taong gulang na batang lalaki na mahilig sa mga kotse at "
        "superhero. Ngayon, pinakamasaya siya kapag naglalaro at pinakaligtas kapag nasa bahay. "
        "Pero hindi laging ganito.",
        "Noong 2019, inaresto ng mga awtoridad ng Pilipinas ang isang German national sa "
        "Lapu-Lapu City, sa isla ng Cebu, dahil sa sekswal na pang-aabuso at pagsasamantala sa "
        "maliliit na bata, at sa pagbebenta ng child sexual exploitation materials (CSEM) sa "
        "maraming tao sa iba't ibang bansa sa pamamagitan ng internet. Isa sa mga batang inabuso "
        "at kinunan niya ng video ang sarili niyang anak na si Aaron. Dalawang taong gulang si "
        "Aaron nang siya ay masagip.",
        "Noong 2017, natuklasan ng pulisya ng Germany at Australia ang ebidensiya na gumagawa at "
        "nagbebenta ng CSEM ang ama ni Aaron. Ibinahagi nila ang impormasyong ito sa mga "
        "awtoridad ng Pilipinas, kabilang ang Philippine National Police - Women and Children "
        "Protection Center (PNP-WCPC). Kinilos ang impormasyong ito sa Advanced Investigative "
        "Workshop (AIW), isang workshop na nakabatay sa mentorship at iniangkop sa mismong "
        "kalagayan ng mga kaso, sa gabay ng mga bumibisitang eksperto at ng IJM. Humantong ang "
        "mga imbestigasyon sa pagkakaaresto sa ama ni Aaron at sa pagsagip kay Aaron at sa iba "
        "pang batang dumanas ng ganoon ding pagsasamantala.",
        "Nakakulong ang ama ni Aaron at nililitis sa kasong Qualified Trafficking sa ilalim ng "
        "batas ng Pilipinas.",
        "Matapos siyang masagip, dinala si Aaron sa isang Assessment Center kung saan sinimulan "
        "ng isang multidisciplinary team ang pagbibigay ng mga serbisyong may malasakit sa "
        "trauma, kabilang ang mga therapeutic intervention at ang pinagsamang kaalaman ng iba't "
        "ibang ahensiya.",
        "Hindi nagtagal, inilagay si Aaron sa pangangalaga ng mapagmahal na foster parents, sa "
        "isang lugar kung saan malaya siyang maging bata muli. Mahilig si Aaron maglaro ng mga "
        "kotse at ng kahit anong may kinalaman sa superhero. Ang paborito niya: si Captain "
        "America!",
    ],
}

ABOUT = {
    "title": "Tungkol sa IJM Philippines",
    "intro": "Layunin ng IJM Philippines na protektahan ang mga bata laban sa online na sekswal "
    "na pagsasamantala.",
    "body": MISSION["text"],
}

PRIVACY = {
    "title": "Abiso sa Privacy",
    "seo_title": "Abiso sa privacy ng IJM Philippines",
    "intro": "Kung ano ang kinokolekta ng site na ito kapag nag-donate ka, kung bakit, kung sino "
    "ang humahawak sa iyong card, gaano katagal namin ito itinatago, at paano hilinging burahin "
    "ito.",
    "sections": [
        (
            "Ano ang aming kinokolekta",
            "<p>Kapag nag-donate ka, hinihingi ng donation form ang iyong pangalan at email "
            "address, ang halaga, ang currency, kung isang beses o buwanan ang donasyon at, kung "
            "nais mo, isang dedikasyon (bilang parangal o pag-alala sa isang tao) at kung nais "
            "mong hindi ipakilala ang iyong pangalan. Itinatala rin namin ang page kung saan ka "
            "nag-donate, ang petsa, at ang mga reference na ibinibigay ng Stripe sa bayad.</p>"
            "<p>Walang hinihingi sa iyo ang pagbabasa ng site: wala itong ginagamit na cookie "
            "para sa advertising o pagsubaybay. Isang security cookie lamang ang inilalagay ng "
            "donation form para protektahan ito laban sa mga pekeng pagsusumite.</p>",
        ),
        (
            "Bakit namin ito kinokolekta",
            "<p>Para matanggap ang iyong donasyon, maipadala ang iyong resibo sa email, "
            "maasikaso ang buwanang donasyon, at masagot ka kung susulat ka sa amin. Hindi namin "
            "ibinebenta o ibinabahagi ang iyong impormasyon para sa marketing.</p>",
        ),
        (
            "Sino ang humahawak sa iyong card",
            "<p>Ang Stripe ang nagpoproseso ng mga bayad sa sarili nitong ligtas na checkout "
            "page. Sa page ng Stripe mo itinatype ang numero ng iyong card, hindi sa amin: hindi "
            "ito kailanman nakikita o itinatago ng site na ito. May sariling talaan ang Stripe ng "
            "bayad, ayon sa sarili nitong privacy policy.</p>",
        ),
        (
            "Gaano namin ito katagal itinatago",
            "<p>Itinatago namin ang talaan ng bawat donasyon (halaga, currency, petsa, at mga "
            "reference ng bayad) hangga't kailangan ito ng aming mga obligasyon sa accounting. "
            "Itinatago ang iyong pangalan at email kasama nito hanggang hilingin mong burahin "
            "ang mga ito.</p>"
            "<p>Kung buwanan ang iyong donasyon, ikaw mismo ang makapagbabago, makapagpapahinto "
            "nang pansamantala, o makapagtitigil nito sa page na “Pamahalaan ang aking buwanang "
            "donasyon”: magpapadala kami sa iyong email ng sign-in link na gumagana nang isang "
            "beses at sa loob ng 30 minuto. Itinatala ang bawat pagbabagong gagawin mo roon "
            "(kung ano ang binago, kailan, at ang internet address na pinagmulan nito) para "
            "masagot namin ang mga tanong tungkol sa iyong donasyon. Binubura ang internet "
            "address pagkalipas ng 90 araw; ang iba ay itinatago kasama ng donasyon.</p>",
        ),
        (
            "Paghiling na burahin ang iyong impormasyon",
            "<p>Sumulat sa amin gamit ang contact details sa ibaba ng bawat page at sabihin kung "
            "aling email address ang ginamit mo sa pag-donate. Buburahin ng aming finance team "
            "ang iyong pangalan, email, at dedikasyon sa aming mga talaan at ang talaan lamang "
            "ng pera ang itatago, na hinihingi ng batas na itago namin. Kung buwanan ang iyong "
            "donasyon, hihilingin muna naming itigil mo ito: hindi namin mabubura ang "
            "impormasyon ng isang donasyong tumatakbo pa.</p>",
        ),
    ],
}

# The donate page (donations/seed.py): its words in Filipino. Presets, limits and the fee are
# the English page's, copied with the translation.
DONATE_PAGE = {
    "title": "Mag-donate",
    "seo_title": "Mag-donate para protektahan ang mga bata laban sa online na sekswal na "
    "pagsasamantala",
    "search_description": (
        "Mag-donate nang isang beses o buwan-buwan, sa piso o US dollar, para tulungan ang IJM "
        "Philippines na protektahan ang mga batang Pilipino laban sa online na sekswal na "
        "pagsasamantala."
    ),
    "intro": (
        "<p>Tumutulong ang iyong donasyon na masagip ang mga bata mula sa online na sekswal na "
        "pagsasamantala, mapanagot sa batas ang mga nagkasala, at samahan ang mga nakaligtas "
        "sa kanilang paghilom.</p>"
    ),
    "thank_you_text": "<p>Salamat sa iyong pakikiisa para sa mga bata sa Pilipinas.</p>",
    "trust_heading": "Ligtas ang iyong donasyon",
    "trust_funds": DONATE_CTA["text"],
    "trust_receipts": (
        "Ipapadala namin sa email ang iyong resibo sa sandaling makumpirma ang iyong bayad. May "
        "sariling resibo ang bawat buwanang bayad."
    ),
    "trust_card": (
        "Ang Stripe, ang aming payment processor, ang humahawak sa iyong card sa sarili nitong "
        "ligtas na page. Hindi kailanman nakikita o itinatago ng site na ito ang numero ng "
        "iyong card."
    ),
    "monthly_invitation": (
        "Ang buwanang donasyon ay tuloy-tuloy na paraan ng pakikiisa sa mga nakaligtas, at "
        "maaari mo itong itigil anumang oras."
    ),
    # Filled with the organisation's email and/or phone, as the English text is.
    "contact_email": "mag-email sa amin sa %(email)s",
    "contact_phone": "tumawag sa amin sa %(phone)s",
    "contact_or": " o ",
    "trust_stop_monthly": "Para itigil o baguhin ang buwanang donasyon, %(contact)s.",
}
