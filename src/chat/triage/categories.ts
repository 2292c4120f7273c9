import type { CategoryRecord } from './types.js';

/**
 * The red-flag taxonomy: one record per category, in order of severity (the first one found is the main one when
 * two have the same confidence). Rules name concepts; the words of each concept live in lexicon/<language>.ts.
 * `@<category>` is the list of whole phrases that by themselves name the emergency ("heart attack", "behosh").
 * `NUM>=10` is a number of at least 10 in the message. See docs/chat-and-voice.md, "Triage taxonomy".
 */

/** Past events, questions about signs, hypotheticals and stories: not a report of something happening now. */
const CONTEXT = ['PAST', 'INFO', 'HYPO', 'MEDIA', 'ADVICE', 'RECOVERED'];
const NHS = 'NHS ambulance services, "when to call 999" (South Western Ambulance Service and others)';
const INDIA = "India's emergency guidance (112 ERSS, 108 ambulance)";

export const CATEGORIES: CategoryRecord[] = [
  {
    id: 'self_harm',
    suppressedBy: ['PAST', 'INFO', 'MEDIA'],
    rules: [
      { all: ['@self_harm'], confidence: 0.95 },
      // Farewell instructions with a decision: "after I'm gone look after the children, I've made up my mind".
      { all: ['FAREWELL', 'DECIDED'], window: 14, confidence: 0.75 },
      // At the edge of a roof or a bridge, saying goodbye or that one cannot go on.
      { all: ['LEDGE', 'FAREWELL|GIVE_UP'], window: 24, confidence: 0.8 },
      // Swallowing poison or pills on purpose, in anger or after a fight.
      { all: ['INTENT', 'INGEST', 'POISON|TABLETS'], window: 8, confidence: 0.85 },
    ],
    sources: [NHS, 'Tele-MANAS (national tele-mental-health programme, 14416)'],
  },
  {
    id: 'chest_pain',
    suppressedBy: [...CONTEXT, 'EXERCISE', 'HABITUAL'],
    rules: [
      { all: ['@chest_pain'], confidence: 0.95 },
      { all: ['CHEST|HEART', 'PAIN|PRESSURE|TIGHT|HEAVY|CLUTCH'], window: 8, confidence: 0.9 },
      // Cold sweat with anything in the chest, or with what is called indigestion or gas.
      { all: ['CHEST|HEART', 'SWEAT'], window: 12, confidence: 0.7 },
      { all: ['INDIGESTION', 'SWEAT'], window: 8, confidence: 0.7 },
      { all: ['ARM|JAW', 'PAIN|HEAVY', 'SWEAT|VOMIT'], window: 16, confidence: 0.7 },
      // Pain that spreads into the arm or jaw.
      { all: ['PAIN|HEAVY', 'RADIATE', 'ARM|JAW'], window: 8, confidence: 0.75 },
    ],
    sources: [NHS, 'NHS: heart attack symptoms'],
  },
  {
    id: 'stroke',
    suppressedBy: [...CONTEXT, 'HABITUAL'],
    rules: [
      { all: ['@stroke'], confidence: 0.9 },
      { all: ['FACE', 'DROOP'], window: 5, confidence: 0.9 },
      // A smile that lifts only one side.
      { all: ['SMILE', 'ONE_SIDE'], window: 8, confidence: 0.8 },
      { all: ['LIMB', 'WEAK', 'ONE_SIDE|SUDDEN'], window: 8, confidence: 0.85 },
      { all: ['ONE_SIDE', 'WEAK'], window: 5, confidence: 0.85 },
      { all: ['LIMB|ONE_SIDE', 'CANNOT', 'MOVE'], window: 8, confidence: 0.8 },
      { all: ['SPEECH', 'SLURRED'], window: 6, confidence: 0.9 },
      { all: ['SPEECH', 'CANNOT', 'SUDDEN|PROPERLY'], window: 6, confidence: 0.8 },
      { all: ['SPEECH', 'DIFFICULTY'], window: 4, confidence: 0.75 },
      { all: ['VISION_LOSS', 'SUDDEN|ONE_EYE'], window: 8, confidence: 0.85 },
      { all: ['CANNOT', 'SEE', 'SUDDEN|ONE_EYE'], window: 8, confidence: 0.85 },
      { all: ['BALANCE_LOSS', 'SUDDEN'], window: 8, confidence: 0.8 },
      { all: ['HEADACHE', 'WORST'], window: 6, confidence: 0.85 },
      { all: ['HEADACHE', 'SUDDEN', 'SEVERE'], window: 6, confidence: 0.8 },
    ],
    sources: ['BE-FAST stroke signs (balance, eyes, face, arm, speech, time)', NHS],
  },
  {
    id: 'breathing',
    suppressedBy: [...CONTEXT, 'EXERCISE', 'EXERTION', 'HABITUAL'],
    rules: [
      { all: ['@breathing'], confidence: 0.9 },
      { all: ['BREATH', 'CANNOT|DIFFICULTY|SHORT'], window: 7, confidence: 0.85 },
      { all: ['LIPS|FACE', 'BLUE'], window: 6, confidence: 0.85 },
      // Choking: something stuck in the throat.
      { all: ['THROAT', 'STUCK'], window: 5, confidence: 0.8 },
      // Ribs or chest sucking in with each breath: distress at any age.
      { all: ['INDRAWING'], confidence: 0.75 },
      { all: ['WHEEZE', 'SEVERE|CANNOT'], window: 6, confidence: 0.75 },
      // Stridor: a whistle or crowing from the throat.
      { all: ['WHEEZE', 'THROAT'], window: 6, confidence: 0.75 },
    ],
    sources: [NHS, 'WHO ETAT emergency signs'],
  },
  {
    id: 'collapse',
    suppressedBy: CONTEXT,
    rules: [
      { all: ['@collapse'], confidence: 0.9 },
      { all: ['CONFUSED', 'SUDDEN'], window: 6, confidence: 0.75 },
      // Drowsy and not recognising anyone: reduced consciousness.
      { all: ['CONFUSED', 'DROWSY'], window: 10, confidence: 0.75 },
      // Very drowsy or hard to wake, by itself; talk that makes no sense (acute confusion).
      { all: ['UNROUSABLE'], confidence: 0.8 },
      { all: ['NONSENSE'], confidence: 0.7 },
      // Dropped, went floppy, or found lying on the floor, and does not answer.
      { all: ['FELL|SUDDEN|FLOPPY|FOUND_DOWN', 'NO_ANSWER'], window: 12, confidence: 0.8 },
    ],
    sources: [NHS],
  },
  {
    id: 'seizure',
    suppressedBy: [...CONTEXT, 'HABITUAL'],
    rules: [
      { all: ['@seizure'], confidence: 0.9 },
      { all: ['SHAKE', 'NOT_STOP|UNCONSCIOUS'], window: 8, confidence: 0.8 },
      // Eyes rolled up while the limbs jerk: a fit, whatever word the family uses for it.
      { all: ['SHAKE', 'EYES_ROLL'], window: 10, confidence: 0.8 },
    ],
    sources: [NHS, 'NHS: what to do if someone has a seizure'],
  },
  {
    id: 'bleeding',
    suppressedBy: [...CONTEXT, 'MILD'],
    rules: [
      { all: ['@bleeding'], confidence: 0.9 },
      { all: ['BLEED', 'NOT_STOP|HEAVY_AMOUNT'], window: 10, confidence: 0.85 },
      { all: ['VOMIT|COUGH', 'BLEED'], window: 6, confidence: 0.9 },
      { all: ['BLACK', 'STOOL', 'WEAK|DIZZY'], window: 14, confidence: 0.75 },
      { all: ['PREGNANT', 'BLEED'], window: 10, confidence: 0.85 },
    ],
    sources: [NHS],
  },
  {
    id: 'anaphylaxis',
    suppressedBy: CONTEXT,
    rules: [
      { all: ['@anaphylaxis'], confidence: 0.9 },
      { all: ['SWELL', 'THROAT|TONGUE|LIPS'], window: 5, confidence: 0.85 },
      { all: ['ALLERGY|STING', 'BREATH|WHEEZE|SWELL'], window: 12, confidence: 0.8 },
      { all: ['CANNOT', 'SWALLOW'], window: 3, confidence: 0.75 },
    ],
    sources: [NHS, 'NHS: anaphylaxis'],
  },
  {
    id: 'poisoning',
    suppressedBy: [...CONTEXT, 'HABITUAL'],
    rules: [
      { all: ['@poisoning'], confidence: 0.9 },
      { all: ['INGEST', 'POISON'], window: 6, confidence: 0.9 },
      { all: ['INGEST', 'MANY', 'TABLETS'], window: 6, confidence: 0.85 },
      { all: ['INGEST', 'NUM>=10', 'TABLETS'], window: 7, confidence: 0.85 },
      { all: ['INGEST', 'NUM>=5', 'TABLETS', 'AT_ONCE'], window: 8, confidence: 0.8 },
      { all: ['CHILD', 'INGEST', 'TABLETS|POISON'], window: 12, confidence: 0.85 },
      // Someone else's tablets, or a double dose, taken by mistake.
      { all: ['MISTAKE', 'INGEST', 'TABLETS|POISON'], window: 10, confidence: 0.8 },
    ],
    sources: [NHS, 'NHS: poisoning', INDIA],
  },
  {
    id: 'fall',
    suppressedBy: CONTEXT,
    rules: [
      { all: ['@fall'], confidence: 0.85 },
      { all: ['FELL', 'NO_GET_UP|NO_MOVE'], window: 12, confidence: 0.9 },
      { all: ['NO_GET_UP'], confidence: 0.65 },
      { all: ['FELL', 'HEAD|HEAD_BLOW'], window: 8, confidence: 0.85 },
      { all: ['FELL', 'HIP|BACK', 'PAIN|SEVERE'], window: 10, confidence: 0.8 },
      { all: ['FELL', 'BLOOD_THINNER'], window: 16, confidence: 0.8 },
      { all: ['FELL', 'FRACTURE'], window: 14, confidence: 0.8 },
      { all: ['FELL', 'BLEED|@collapse'], window: 10, confidence: 0.8 },
    ],
    sources: ['NHS: falls in older people', NHS, 'NICE CG176 (head injury; anticoagulants)'],
  },
  {
    id: 'head_injury',
    suppressedBy: CONTEXT,
    rules: [
      { all: ['@head_injury'], confidence: 0.85 },
      {
        all: ['HEAD_BLOW', 'VOMIT|CONFUSED|DROWSY|@seizure|SHAKE|MEMORY|FLUID|@collapse|BLEED|SEVERE'],
        window: 14,
        confidence: 0.85,
      },
      // A road accident or crash followed by fluid from the nose or ears, memory loss, a fit or unconsciousness.
      { all: ['ACCIDENT', 'FLUID|MEMORY|@seizure|UNCONSCIOUS|@collapse'], window: 14, confidence: 0.8 },
    ],
    sources: ['NICE CG176 head injury: assessment and early management', NHS],
  },
  {
    id: 'dangerous_reading',
    suppressedBy: CONTEXT,
    rules: [
      { all: ['@dangerous_reading'], confidence: 0.8 },
      // The glucometer shows HI or LO: beyond what it can measure.
      { all: ['SUGAR_L', 'METER_HI_LO'], window: 8, confidence: 0.8 },
      { all: ['SUGAR_L', 'LOW', 'SWEAT|CONFUSED|SHAKE|DIZZY|@collapse'], window: 12, confidence: 0.8 },
    ],
    sources: [
      'ADA hypoglycaemia levels (< 54 mg/dL level 2); hypertensive emergency (≥ 180/120 with symptoms)',
      'WHO pulse oximetry (SpO₂ < 90 %)',
      NHS,
    ],
  },
  {
    id: 'infant',
    suppressedBy: CONTEXT,
    rules: [
      { all: ['@infant'], confidence: 0.9 },
      { all: ['NEWBORN', 'FEVER|TEMP_L'], window: 10, confidence: 0.9 },
      {
        all: [
          'BABY|NEWBORN|CHILD',
          'NOT_FEEDING|FLOPPY|FAST_BREATH|INDRAWING|BLUE|NON_BLANCH|@seizure|@collapse|@breathing',
        ],
        window: 12,
        confidence: 0.85,
      },
      { all: ['FEVER', 'NON_BLANCH'], window: 12, confidence: 0.85 },
      // Fever with a stiff neck in a child: meningitis.
      { all: ['BABY|NEWBORN|CHILD', 'FEVER', 'STIFF_NECK'], window: 14, confidence: 0.8 },
      { all: ['RASH', 'NON_BLANCH'], window: 14, confidence: 0.8 },
      { all: ['BABY|NEWBORN|CHILD', 'THROAT', 'STUCK'], window: 8, confidence: 0.85 },
    ],
    sources: [
      'NHS: when to get help for a baby or child',
      'WHO ETAT emergency signs',
      'NICE NG143 fever in under 5s',
    ],
  },
  {
    id: 'burns',
    suppressedBy: [...CONTEXT, 'MILD'],
    rules: [
      { all: ['@burns'], confidence: 0.9 },
      {
        all: ['BURN', 'LARGE|FACE|HAND|GENITAL|CHEMICAL|ELECTRIC|BREATH|CHILD|SEVERE'],
        window: 8,
        confidence: 0.85,
      },
      // Boiling oil or water is a burn only when it landed on someone: spilled on the face, the hands, a child.
      {
        all: ['HOT_THING', 'SPILL|BURN', 'LARGE|FACE|HAND|GENITAL|BREATH|CHILD|BABY|SEVERE|PAIN_CRY'],
        window: 12,
        confidence: 0.85,
      },
    ],
    sources: [NHS, 'NHS: burns and scalds'],
  },
  {
    id: 'abdominal_obstetric',
    suppressedBy: CONTEXT,
    rules: [
      { all: ['@abdominal_obstetric'], confidence: 0.85 },
      { all: ['PREGNANT', 'BLEED|@seizure|@collapse'], window: 12, confidence: 0.85 },
      { all: ['PREGNANT', 'SEVERE|ABDOMEN', 'PAIN'], window: 12, confidence: 0.8 },
      { all: ['PREGNANT', 'SEVERE', 'HEADACHE|VISION_LOSS'], window: 12, confidence: 0.75 },
      // Pre-eclampsia: headache with blurred vision in pregnancy.
      { all: ['PREGNANT', 'HEADACHE', 'VISION_LOSS'], window: 14, confidence: 0.75 },
      {
        all: ['ABDOMEN', 'PAIN', 'SEVERE', 'RIGID|VOMIT|BLEED|@collapse|SWEAT'],
        window: 12,
        confidence: 0.75,
      },
      { all: ['ABDOMEN', 'RIGID'], window: 5, confidence: 0.7 },
    ],
    sources: [NHS, 'WHO: danger signs in pregnancy'],
  },
];
