import type { LanguageStyle } from './normalise.js';
import { clauses, words } from './text.js';
import { extractVitals } from './vitals.js';

/**
 * Red-flag triage: the first decision on every message, before intent or any model.
 * A match means intent `emergency` and an immediate safety reply (112, the primary emergency contact,
 * the emergency-alert offer). It never diagnoses and never suggests a medicine or a dose.
 *
 * Phrases are checked clause by clause so that a local negation ("no chest pain today", "seene mein dard
 * nahi hai"), a past event ("had a stroke last year", "pichle saal lakwa hua tha") or a general question
 * ("signs of a heart attack?") does not raise an alarm, while "I have chest pain and I'm sweating" does.
 */
export type RedFlag =
  | 'chest_pain'
  | 'stroke'
  | 'breathing'
  | 'fainting'
  | 'bleeding'
  | 'suicidal'
  | 'sugar'
  | 'blood_pressure'
  | 'oxygen'
  | 'heart_rate';

export interface TriageResult {
  emergency: boolean;
  /** Every red flag found (first one is the main one). */
  flags: RedFlag[];
}

const P = (s: string): RegExp => words(s);

const PATTERNS: Record<Exclude<RedFlag, 'sugar' | 'blood_pressure' | 'oxygen' | 'heart_rate'>, RegExp[]> = {
  chest_pain: [
    P(
      'chest (?:\\S+ ){0,3}(?:pain|pains|hurts?|hurting|ache|aching|tightness|tight|pressure|heavy|heaviness|discomfort|burning pain)',
    ),
    P(
      '(?:pain|pains|tightness|pressure|heaviness|discomfort|squeezing)(?: \\S+)? (?:in|on|across|around) (?:my |the |his |her )?chest',
    ),
    P('heart attack|cardiac arrest|crushing pain'),
    P('(?:सीने|सीना|छाती|सिने)(?: (?:में|मे|पर))?(?: \\S+){0,2} (?:दर्द|जकड़न|भारीपन|दबाव)'),
    P('दिल का दौरा|हार्ट अटैक|हार्टअटैक'),
    P(
      '(?:seene|sine|seena|sina|chhati|chati|chaati|chhaati|chest)(?: (?:mein|me|main|par|pe))?(?: \\S+){0,2} (?:dard|dardd|jakdan|bharipan|bhaaripan|dabav|dabaav|pain)',
    ),
    P('dil ka daura'),
  ],
  stroke: [
    P(
      '(?:face|mouth|lips?|smile)(?: \\S+){0,3} (?:drooping|droops|droopy|crooked|twisted|lopsided|sagging|numb)',
    ),
    P('(?:drooping|droopy|crooked|twisted) (?:face|mouth|smile)'),
    P(
      "(?:can't|cannot|can not|cant|unable to|not able to|couldn't) (?:lift|raise|move|feel) (?:\\S+ ){0,2}(?:arm|arms|hand|leg|side)",
    ),
    P(
      '(?:arm|hand|leg|side of (?:the |his |her |my )?body)(?: \\S+){0,2} (?:suddenly )?(?:weak|numb|limp|dead|paralysed|paralyzed)',
    ),
    P(
      '(?:sudden )?(?:weakness|numbness) (?:in|on|of) (?:\\S+ ){0,2}(?:one side|arm|leg|face|left side|right side)',
    ),
    P('slurred|slurring|garbled speech'),
    P("(?:can't|cannot|unable to|not able to) (?:speak|talk)(?: properly| clearly)?"),
    P(
      'having a stroke|(?:just|think|might|may) (?:had|have|be having|is having) a stroke|stroke (?:right now|abhi)',
    ),
    P('(?:मुँह|मुंह|मूंह|चेहरा|चेहरे|होंठ)(?: \\S+){0,4} (?:टेढ़\\S*|टेढ\\S*|टेड़\\S*|लटक\\S*)'),
    P('(?:हाथ|बांह|बाँह|पैर)(?: \\S+){0,2} (?:नहीं उठ|नही उठ|सुन्न|कमज़ोर पड़|कमजोर पड़)'),
    P('(?:ज़बान|जबान|जुबान|ज़ुबान|जीभ)(?: \\S+){0,1} (?:लड़खड़\\S*|लडखड\\S*)'),
    P('(?:बोल नहीं पा|बोलने में (?:दिक्कत|तकलीफ|परेशानी))'),
    P('लकवा (?:मार|पड़|हो गया|हो रहा)|लकवे का (?:दौरा|अटैक)'),
    P('(?:muh|munh|muhn|mooh|chehra|chehre|face)(?: \\S+){0,4} (?:tedh\\S*|terh\\S*|teda|tedi|latak\\S*)'),
    P('(?:haath|hath|baazu|bazu|pair)(?: \\S+){0,1} (?:nahi|nahin|nhi) (?:uth|hil)'),
    P('(?:haath|hath|baazu|pair)(?: \\S+){0,1} (?:sunn|sun ho|kamzor|kamjor) (?:ho|pad)'),
    P('(?:zuban|zubaan|jubaan|juban|jabaan|jaban|zaban)(?: \\S+){0,1} (?:ladkhad\\S*|latpat\\S*)'),
    P(
      '(?:bol|bolne)(?: \\S+){0,1} (?:nahi|nahin|nhi) (?:pa|paa) (?:rahe|raha|rahi)|bolne mein (?:dikkat|takleef|taklif)',
    ),
    P('(?:lakwa|lakva|paralysis|paralysis ka attack) (?:maar|mar|pad|ho gaya|hua hai|aaya hai)'),
  ],
  breathing: [
    P(
      "(?:can't|cannot|can not|cant|unable to|not able to|couldn't|hard to|difficult to|struggling to|trouble|difficulty|problem) (?:\\S+ )?breath(?:e|ing)?",
    ),
    P(
      '(?:short|shortness) of breath|breathless|out of breath|gasping|choking|not breathing|stopped breathing',
    ),
    P('lips (?:are )?(?:turning )?blue'),
    P(
      '(?:सांस|साँस|श्वास)(?: \\S+){0,2} (?:नहीं आ|नही आ|लेने में (?:\\S+ )?(?:तकलीफ|दिक्कत|परेशानी)|फूल रही|फूल रहा|रुक रही|उखड़)',
    ),
    P('दम घुट'),
    P('(?:saans|sans|saas|saans|swaas)(?: \\S+){0,2} (?:nahi|nahin|nhi) (?:aa|a) (?:rahi|raha|rhi)'),
    P(
      '(?:saans|sans|saas)(?: lene)? (?:mein|me|main) (?:\\S+ )?(?:dikkat|takleef|taklif|taqleef|pareshani|problem|mushkil)',
    ),
    P('(?:saans|sans|saas) (?:phool|ful|fool) (?:rahi|raha|rhi)|dum ghut'),
  ],
  fainting: [
    P(
      'fainted|fainting|passed out|lost consciousness|losing consciousness|unconscious|unresponsive|collapsed|blacked out',
    ),
    P("(?:not|isn't|is not) (?:responding|waking up|waking)"),
    P('बेहोश[ीे]?|होश (?:नहीं|खो)'),
    P(
      'behosh|behoshi|hosh (?:nahi|nahin|kho)|gir (?:gaye|gayi|gaya|pade|padi|pada) (?:\\S+ )?(?:uth nahi|hosh nahi)',
    ),
  ],
  bleeding: [
    P(
      "bleeding (?:heavily|a lot|badly|profusely|nonstop|non-stop|won't stop|wont stop|will not stop|doesn't stop|does not stop|not stopping|is not stopping)",
    ),
    P('(?:heavy|severe|lot of|lots of|uncontrolled|massive) bleeding'),
    P("(?:bleeding|blood) (?:won't|wont|will not|doesn't|does not|isn't|is not|not) stop"),
    P('(?:vomiting|throwing up|coughing(?: up)?|spitting(?: up)?) blood|blood in (?:my |his |her )?vomit'),
    P('खून(?: \\S+){0,3} (?:बंद नहीं|नहीं रुक|रुक नहीं|बह रहा|निकल रहा)|बहुत खून|खून की उल्टी|उल्टी में खून'),
    P(
      '(?:khoon|khun|khoon)(?: \\S+){0,3} (?:band nahi|ruk nahi|nahi ruk|beh raha|bah raha|nikal raha)|(?:bahut|bohot|bahot|bhut) (?:khoon|khun)|(?:khoon|khun) ki ulti|ulti (?:mein|me) (?:khoon|khun)',
    ),
  ],
  suicidal: [
    P(
      'kill(?:ing)? (?:myself|my self)|suicid(?:e|al)|end (?:my|my own) life|end it all|take my (?:own )?life|want to die|wanna die',
    ),
    P(
      "(?:don't|do not|dont) want to (?:live|be alive|go on|wake up)|no (?:reason|point) (?:to|in) (?:live|living|going on)|better off dead",
    ),
    P('(?:harm|hurt|cut) myself'),
    P(
      'आत्महत्या|ख़ुदकुशी|खुदकुशी|(?:मरना|मर जाना) (?:चाहत[ाीे]|है)|मर जाऊं|मर जाऊँ|जीना नहीं (?:चाहत[ाीे]|है)|जान दे (?:दूं|दूँ|दूंगा|दूंगी)',
    ),
    P('aatmahatya|atmahatya|khudkushi|khudkhushi|suicide'),
    P(
      '(?:marna|mar jana|mar jaana|mar jau|mar jaun) (?:chahta|chahti|hai|hoon|chahata)|(?:jeena|jina|jeene) (?:nahi|nahin|nhi) (?:chahta|chahti|hai)|jaan de (?:dunga|dungi|du|doon)',
    ),
  ],
};

/** A past event in the same clause ("last year", "2 saal pehle", "पिछले साल"). */
const HISTORY = P(
  'last (?:year|month)|died|passed away|death|guzar gaye|gujar gaye|mar gaye|गुज़र गए|गुजर गए|निधन|मृत्यु|years? ago|months? ago|years? back|history of|was diagnosed|in (?:19|20)\\d\\d|' +
    'pichle saal|pichhle saal|pichle mahine|(?:\\d+ )?saal pehle|(?:\\d+ )?sal pehle|(?:\\d+ )?mahine pehle|' +
    'पिछले साल|पिछले महीने|(?:\\d+ )?साल पहले|(?:\\d+ )?महीने पहले',
);
/** A general or hypothetical question about a condition, not a report of one. */
const INFORMATIONAL = P(
  '(?:signs?|symptoms?|causes?|risk factors?|risks?|warning signs?|lakshan|लक्षण) (?:of|ke|का|के|की)|how (?:to|can i|can we|do i|should i|can he|can she) (?:prevent|avoid)|prevention of|' +
    'what (?:is|are) (?:a |the )?(?:heart attack|stroke)|if (?:i|he|she|someone|you|my \\S+) (?:get|gets|has|have|had)|agar|अगर|' +
    '(?:heart attack|stroke|dil ka daura|हार्ट अटैक|दिल का दौरा) (?:risk|chance|khatra|ka khatra|ka risk|का खतरा|का रिस्क)',
);
/** English negation just before the phrase. */
const NEG_BEFORE =
  /(?:^|\s)(?:no|not|never|without|denies|free of|don't|dont|didn't|haven't|hasn't|isn't|wasn't|doesn't|no more|any)(?:\s+\S+){0,2}\s*$/u;
/** Hindi/Hinglish negation just after the phrase ("dard nahi hai", "दर्द नहीं"). */
const NEG_AFTER = /^\s*(?:\S+\s+){0,1}(?:nahi|nahin|nhi|na|नहीं|नही|ना)(?![\p{L}\p{M}])/u;
const NEG_BEFORE_HI = /(?:koi|कोई)\s*$/u;

/** "It was there, now it is fine": a past-tense phrase ("dard tha", "दर्द था") in a message that says it is over. */
const PAST_AFTER = /^\s*(?:\S+\s+)?(?:tha|thi|the|था|थी|थे)(?![\p{L}\p{M}])/u;
const RECOVERED = words(
  'ab (?:theek|thik|sahi|nahi|nahin)|अब (?:ठीक|सही|नहीं)|(?:better|fine|gone|okay|ok) now|now (?:fine|better|gone|okay|ok)',
);

function phraseFlags(clause: string, recovered: boolean): RedFlag[] {
  if (HISTORY.test(clause) || INFORMATIONAL.test(clause)) return [];
  const found: RedFlag[] = [];
  for (const [flag, patterns] of Object.entries(PATTERNS) as [RedFlag, RegExp[]][]) {
    for (const re of patterns) {
      const m = re.exec(clause);
      if (!m) continue;
      const before = clause.slice(0, m.index);
      const after = clause.slice(m.index + m[0].length);
      const negated =
        NEG_BEFORE.test(before) ||
        (NEG_AFTER.test(after) && !/nahi|नहीं|nahin|nhi/u.test(m[0])) ||
        NEG_BEFORE_HI.test(before) ||
        (recovered && PAST_AFTER.test(after));
      if (!negated) {
        found.push(flag);
        break;
      }
    }
  }
  return found;
}

/** Thresholds for values that need help now (decisions.md §4 lists the softer "out of range" ones). */
function valueFlags(text: string): RedFlag[] {
  const v = extractVitals(text);
  const out: RedFlag[] = [];
  if (v.blood_sugar !== undefined && (v.blood_sugar >= 400 || v.blood_sugar <= 54)) out.push('sugar');
  const sys = v.blood_pressure_systolic;
  const dia = v.blood_pressure_diastolic;
  if ((sys !== undefined && (sys >= 180 || sys < 80)) || (dia !== undefined && dia >= 120))
    out.push('blood_pressure');
  if (v.spo2 !== undefined && v.spo2 < 90) out.push('oxygen');
  if (v.heart_rate !== undefined && (v.heart_rate < 40 || v.heart_rate > 150)) out.push('heart_rate');
  return out;
}

export function triage(normalisedText: string): TriageResult {
  const flags = new Set<RedFlag>();
  const recovered = RECOVERED.test(normalisedText);
  for (const c of clauses(normalisedText)) for (const f of phraseFlags(c, recovered)) flags.add(f);
  if (!HISTORY.test(normalisedText)) for (const f of valueFlags(normalisedText)) flags.add(f);
  return { emergency: flags.size > 0, flags: [...flags] };
}

export interface EmergencyContactInfo {
  name: string;
  phone: string;
  relationship?: string | null;
}

const WHAT: Record<LanguageStyle, Record<RedFlag, string>> = {
  en: {
    chest_pain: 'Chest pain can be a sign of a heart emergency.',
    stroke:
      'A drooping face, a weak arm or slurred speech can be signs of a stroke, and every minute counts.',
    breathing: 'Difficulty breathing needs help right away.',
    fainting: 'Fainting or not responding needs help right away.',
    bleeding:
      'Heavy bleeding needs help right away. Press firmly on the wound with a clean cloth while you wait.',
    suicidal:
      "I'm really sorry you're feeling this way. You are not alone, and talking to someone now can help.",
    sugar: 'That sugar reading is dangerous.',
    blood_pressure: 'That blood pressure reading is dangerous.',
    oxygen: 'That oxygen level is dangerously low.',
    heart_rate: 'That pulse is dangerous.',
  },
  hi: {
    chest_pain: 'सीने में दर्द दिल की इमरजेंसी का संकेत हो सकता है।',
    stroke: 'चेहरा टेढ़ा होना, हाथ में कमज़ोरी या बोलने में लड़खड़ाहट लकवे (स्ट्रोक) के संकेत हो सकते हैं, हर मिनट कीमती है।',
    breathing: 'सांस लेने में तकलीफ़ में तुरंत मदद चाहिए।',
    fainting: 'बेहोशी में तुरंत मदद चाहिए।',
    bleeding: 'ज़्यादा खून बहने पर तुरंत मदद चाहिए। तब तक घाव पर साफ़ कपड़े से ज़ोर से दबाकर रखें।',
    suicidal: 'मुझे बहुत दुख है कि आप ऐसा महसूस कर रहे हैं। आप अकेले नहीं हैं, अभी किसी से बात करना मदद कर सकता है।',
    sugar: 'यह शुगर रीडिंग ख़तरनाक है।',
    blood_pressure: 'यह बीपी रीडिंग ख़तरनाक है।',
    oxygen: 'यह ऑक्सीजन लेवल ख़तरनाक रूप से कम है।',
    heart_rate: 'यह नब्ज़ (पल्स) ख़तरनाक है।',
  },
  hinglish: {
    chest_pain: 'Seene mein dard dil ki emergency ka sign ho sakta hai.',
    stroke:
      'Chehra tedha hona, haath mein kamzori ya zuban ladkhadana stroke (lakwa) ke sign ho sakte hain, har minute keemti hai.',
    breathing: 'Saans lene mein takleef mein turant madad chahiye.',
    fainting: 'Behoshi mein turant madad chahiye.',
    bleeding:
      'Zyada khoon behne par turant madad chahiye. Tab tak ghaav par saaf kapde se zor se dabakar rakhiye.',
    suicidal:
      'Mujhe bahut afsos hai ki aap aisa mehsoos kar rahe hain. Aap akele nahi hain, abhi kisi se baat karna madad kar sakta hai.',
    sugar: 'Yeh sugar reading khatarnaak hai.',
    blood_pressure: 'Yeh BP reading khatarnaak hai.',
    oxygen: 'Yeh oxygen level khatarnaak roop se kam hai.',
    heart_rate: 'Yeh pulse khatarnaak hai.',
  },
};

/**
 * The immediate safety reply. Fixed text (never sent to a model): what to do now, 112, the primary
 * emergency contact when known, the emergency alert, and Tele-MANAS 14416 for suicidal thoughts.
 */
export function safetyReply(
  result: TriageResult,
  style: LanguageStyle,
  contact: EmergencyContactInfo | null,
): string {
  const main = result.flags[0] ?? 'chest_pain';
  const who = contact
    ? `${contact.name}${contact.relationship ? ` (${contact.relationship})` : ''}, ${contact.phone}`
    : null;
  const parts: string[] = [WHAT[style][main]];
  if (style === 'hi') {
    parts.push('अभी 112 पर कॉल करें (एम्बुलेंस/इमरजेंसी)। अकेले हों तो किसी को पास बुलाएँ, ख़ुद गाड़ी न चलाएँ।');
    if (main === 'suicidal') parts.push('आप Tele-MANAS हेल्पलाइन 14416 पर भी किसी भी समय मुफ़्त बात कर सकते हैं।');
    if (who) parts.push(`अपने इमरजेंसी संपर्क ${who} को अभी फ़ोन करें।`);
    parts.push(
      who
        ? 'मैं आपके इमरजेंसी संपर्कों को अलर्ट भेज सकता हूँ — ऐप में "इमरजेंसी अलर्ट" दबाएँ।'
        : 'ऐप में "इमरजेंसी अलर्ट" दबाकर मदद बुलाएँ, और एक इमरजेंसी संपर्क जोड़ लें।',
    );
  } else if (style === 'hinglish') {
    parts.push(
      'Abhi 112 par call kijiye (ambulance/emergency). Akele hain to kisi ko paas bulaiye, khud gaadi mat chalaiye.',
    );
    if (main === 'suicidal')
      parts.push('Aap Tele-MANAS helpline 14416 par bhi kabhi bhi free baat kar sakte hain.');
    if (who) parts.push(`Apne emergency contact ${who} ko abhi phone kijiye.`);
    parts.push(
      who
        ? 'Main aapke emergency contacts ko alert bhej sakta hoon — app mein "Emergency alert" dabaiye.'
        : 'App mein "Emergency alert" dabakar madad bulaiye, aur ek emergency contact jod lijiye.',
    );
  } else {
    parts.push(
      'Call 112 now (ambulance/emergency). If you are alone, get someone to stay with you; do not drive yourself.',
    );
    if (main === 'suicidal') parts.push('You can also talk to Tele-MANAS, free and at any hour, on 14416.');
    if (who) parts.push(`Call your emergency contact ${who} now.`);
    parts.push(
      who
        ? 'I can alert your emergency contacts too: tap "Emergency alert" in the app.'
        : 'Tap "Emergency alert" in the app to call for help, and add an emergency contact.',
    );
  }
  return parts.join(' ');
}
