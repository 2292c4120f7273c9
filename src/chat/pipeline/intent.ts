import { extractExercise } from './entities.js';
import { asksLastLab, extractLab } from './lab.js';
import { words } from './text.js';
import { extractVitals, hasVitals } from './vitals.js';

/**
 * Intent routing (after triage). The original's five intent names are kept; `reminder` and `emergency` are added.
 * Rules are ordered, each a set of cues in English, Hindi (Devanagari) and romanised Hindi:
 * reminder → recommendation → lab result or a question about one → vitals reading → medication → water question →
 * food → health → general.
 */
export const INTENTS = [
  'food_tracking',
  'medication',
  'health_query',
  'recommendation',
  'reminder',
  'general_chat',
  'emergency',
] as const;
export type Intent = (typeof INTENTS)[number];

const P = (s: string): RegExp => words(s);

const REMINDER = [
  P('remind|reminder|reminders|alarm|alarms|wake me|wake up call|notify me|alert me at'),
  P(
    'yaad (?:dila|dilana|dilaa|dila dena|dilaana|karana|karwana)|याद (?:दिला|दिलाना|दिलाइए|करा)|अलार्म|रिमाइंडर|रिमाइंड|jaga dena|जगा देना',
  ),
];

const RECOMMENDATION = [
  P('suggest|suggestion|suggestions|recommend|recommendation|tips?|ideas?|advice|advise|diet plan|meal plan'),
  P(
    'what (?:should|can|could) (?:i|he|she|we|they|a diabetic|diabetics) (?:eat|have|drink|cook|do to|do for)|what to eat|what (?:foods?|fruits?|snacks?) (?:are|is|can|should)',
  ),
  P(
    'how (?:can|do|should|could) (?:i|he|she|we) (?:bring|lower|reduce|control|improve|manage|increase|sleep|lose|gain|get|prevent|avoid|protect)|precautions?|parhez|parhej|savdhani',
  ),
  P('(?:exercises?|yoga|workout|stretches?) (?:for|to|batao|bataiye|suggest)|breathing exercises?'),
  P(
    '(?:is|are) (?:\\S+ ){0,2}(?:good|safe|bad|ok|okay|healthy|harmful|best) for|can (?:diabetics|a diabetic|i|he|she) (?:eat|have|drink)|kya (?:\\S+ )?(?:kare|karein|karen|khaye|khayen|khayein|le|lein|piye|piyen)(?![\\p{L}])',
  ),
  P(
    'kya (?:khau|khaun|khaoon|khaye|khayein|khana chahiye|khilaye|khilana chahiye|pee|piyu|karu|karun|karoon|karein)|kha sakte|kha sakti|kya karna chahiye',
  ),
  P(
    'upay|उपाय|नुस्खा|nuskha|(?:क्या|कौन सा|कौनसा) (?:खाना चाहिए|खाऊं|खाऊँ|खाएं|खाएँ|खाये|खिलाना चाहिए|करूं|करूँ|करें|पिएं|लें)|सावधानी|परहेज़|परहेज|कैसे करें|क्या करें|खा सकते|खा सकती|कौन से फल|कसरत|व्यायाम|योग बताइए|सलाह|सुझाव',
  ),
];

const MED_NAMES =
  'metformin|glycomet|amlodipine|amlong|telmisartan|telma|losartan|atenolol|metoprolol|thyroxine|thyronorm|eltroxin|levothyroxine|' +
  'atorvastatin|rosuvastatin|glimepiride|amaryl|insulin|aspirin|ecosprin|clopidogrel|paracetamol|crocin|dolo|calpol|pantoprazole|pan 40|' +
  'omeprazole|vitamin d|calcium|shelcal|b12|iron|sitagliptin|januvia|vildagliptin|galvus|mety?formin|' +
  'मेटफॉर्मिन|मेटफोर्मिन|इंसुलिन|इन्सुलिन|थायरॉक्सिन|पैरासिटामोल|एस्पिरिन|अम्लोडिपिन';
const MEDICATION = [
  P(
    'medicine|medicines|medication|medications|meds|tablet|pill|pills|dose|doses|dosage|capsule|capsules|syrup|prescription|injection|drops',
  ),
  P('dawai|dawaai|dawa|davai|dava|dawaiyan|dawaiyaan|dawaiya|davaiyan|goli|dawaai|inhaler'),
  P('दवा|दवाई|दवाइयाँ|दवाइयां|दवाईयां|दवाएं|दवाएँ|गोली|गोलियाँ|टेबलेट|इंजेक्शन|खुराक|डोज़|डोज'),
  P(MED_NAMES),
];

const FOOD = [
  P(
    'ate|eat|eaten|eating|had (?:my )?(?:breakfast|lunch|dinner|snack)|breakfast|lunch|dinner|supper|snack|snacks|meal|food|drank|drink|drinking|sip',
  ),
  P(
    '(?:water|tea|coffee|milk|juice|buttermilk|lassi|roti|chapati|chapatti|paratha|rice|dal|daal|sabzi|sabji|curd|dahi|khichdi|daliya|oats|idli|dosa|upma|poha|sambar|banana|apple|fruit|biscuit|bread|egg|papad|salad|soup|chutney|paneer|sandwich|porridge|cereal|nuts|almond|orange|mango|thali|pulao|biryani)(?:s|es)?',
  ),
  P(
    'khana|khaana|khaya|khayi|khaye|khaaya|kha liya|khaa liya|nashta|nashte|naashta|piya|pi liya|pee liya|peeya|paani|pani|chai|doodh|chawal|katori|kela|kele|rajma|chole',
  ),
  P(
    'खाना|खाया|खाई|खाए|खा लिया|नाश्ता|नाश्ते|पिया|पी लिया|पी|पानी|चाय|दूध|रोटी|दाल|चावल|खिचड़ी|सब्ज़ी|सब्जी|दही|केले|केला|राजमा|दलिया|इडली|फल|भोजन|लंच|डिनर',
  ),
];
const DRINK_QUESTION = P(
  'how much (?:water|paani|pani)|(?:kitna|kitni|कितना|कितनी) (?:\\S+ )?(?:paani|pani|पानी|water)|(?:paani|pani|पानी|water)(?: \\S+)? (?:kitna|kitni|कितना|कितनी)',
);
const TOOK = P(
  "took|taken|have taken|i've taken|had my|le li|le liya|le li hai|li hai|le chuka|le chuki|kha li|ले ली|ले लिया|खा ली|ले चुका|ले चुकी|mark(?:ed)? (?:as )?taken",
);

const HEALTH = [
  P(
    'bp|blood pressure|pressure|sugar|glucose|weight|pulse|heart rate|temperature|fever|oxygen|spo2|cholesterol|diabetes|diabetic|thyroid|heart|stroke|attack|paralysis|lakwa|lakva|physiotherapy|physio|bypass|surgery|operation',
  ),
  P(
    'bleeding|blood|gums|sleep|insomnia|neend|nind|pain|hurts?|hurting|ache|aches|headache|sore|swelling|swollen|dizzy|dizziness|cough|cold|injury|injured|vomit|nausea|tired|weakness|acidity|gas|constipation|symptoms?|bukhar|bukhaar|dard|chakkar|sujan|soojan|khansi|zukam|chot|kamzori|thakan|wajan|vajan|ghutne|ghutna|kamar',
  ),
  P(
    'नींद|खून|बीपी|शुगर|वजन|वज़न|बुखार|दर्द|चक्कर|सूजन|खांसी|खाँसी|ज़ुकाम|जुकाम|चोट|कमज़ोरी|कमजोरी|थकान|घुटन|घुटने|घुटनों|कमर|ऑक्सीजन|नब्ज़|धड़कन|डायबिटीज',
  ),
  P(
    'appointment|appointments|checkup|check-up|doctor|अपॉइंटमेंट|अपॉइन्टमेंट|डॉक्टर|डाक्टर|report|reports|रिपोर्ट|trend|this week|is hafte|इस हफ्ते|इस हफ़्ते|last reading|readings?',
  ),
  /(?<!\d)\d{2,3}\s*\/\s*\d{2,3}(?!\d)/u,
];

export function classifyIntent(text: string): Intent {
  if (REMINDER.some((re) => re.test(text))) return 'reminder';
  const med = MEDICATION.some((re) => re.test(text));
  if (RECOMMENDATION.some((re) => re.test(text)) && !(med && !/eat|khau|khana|खाना|खिला/u.test(text)))
    return 'recommendation';
  // A named lab test with a value is a lab result, not a glucometer reading ("fasting sugar report 126").
  if (extractLab(text) || asksLastLab(text)) return 'health_query';
  if (hasVitals(extractVitals(text))) return 'health_query';
  // Logging an activity ("walked 30 minutes") is health data, like a reading.
  if (!DRINK_QUESTION.test(text) && !/\?/u.test(text) && extractExercise(text)) return 'health_query';
  if (med) return 'medication';
  if (DRINK_QUESTION.test(text)) return 'health_query';
  const food = FOOD.some((re) => re.test(text));
  if (food) return 'food_tracking';
  if (HEALTH.some((re) => re.test(text))) return 'health_query';
  if (TOOK.test(text)) return 'medication';
  return 'general_chat';
}
