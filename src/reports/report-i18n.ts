/** The doctor's report in the user's language. Record contents (medicine names, conditions) stay as entered. */
export const REPORT_LANGS = ['en', 'hi'] as const;
export type ReportLang = (typeof REPORT_LANGS)[number];

const EN = {
  title: 'Health summary for the doctor',
  period: 'Period',
  days: 'days',
  age: 'Age',
  years: 'years',
  gender: 'Gender',
  conditions: 'Conditions',
  allergies: 'Allergies',
  medications: 'Medications',
  none: 'none',
  adherence: 'Medication adherence',
  medicine: 'Medicine',
  onTime: 'On time',
  taken: 'Taken',
  missed: 'Missed doses',
  overall: 'All medicines',
  bp: 'Blood pressure (mmHg)',
  glucose: 'Blood glucose (mg/dL)',
  weight: 'Weight (kg)',
  target: 'shaded: target range',
  outOfRange: 'Readings out of range',
  more: 'more',
  sleepActivity: 'Sleep and activity',
  sleepAvg: 'Average sleep',
  hoursPerNight: 'h per night',
  nights: 'nights',
  sessions: 'sessions',
  shortNights: 'nights under 6 h',
  exercise: 'Exercise',
  minPerWeek: 'min per week',
  alarms: 'Chat alarms and emergency alerts',
  labs: 'Lab results (latest of each test, last 2 years)',
  noLabs: 'no lab results in the last 2 years',
  hba1cTrend: 'HbA1c trend',
  hba1cTarget: 'target set by the doctor',
  noTarget: 'no target recorded',
  triage: 'Chat alarm',
  emergency: 'Emergency alert',
  noData: 'no data in this period',
  generated: 'Generated',
  disclaimer: 'Entered by the patient and family in Podd; not a diagnosis.',
  female: 'female',
  male: 'male',
  other: 'other',
  systolic: 'BP',
  heart_rate: 'Heart rate',
  blood_sugar: 'Glucose',
  spo2: 'SpO2',
  temperature: 'Temperature',
  low: 'low',
  high: 'high',
};

export type ReportStrings = typeof EN;

const HI: ReportStrings = {
  title: 'डॉक्टर के लिए स्वास्थ्य सारांश',
  period: 'अवधि',
  days: 'दिन',
  age: 'उम्र',
  years: 'वर्ष',
  gender: 'लिंग',
  conditions: 'बीमारियाँ',
  allergies: 'एलर्जी',
  medications: 'दवाइयाँ',
  none: 'कोई नहीं',
  adherence: 'दवा लेने की नियमितता',
  medicine: 'दवा',
  onTime: 'समय पर',
  taken: 'ली गई',
  missed: 'छूटी खुराकें',
  overall: 'सभी दवाइयाँ',
  bp: 'रक्तचाप (mmHg)',
  glucose: 'ब्लड शुगर (mg/dL)',
  weight: 'वज़न (kg)',
  target: 'छायांकित: लक्ष्य सीमा',
  outOfRange: 'सीमा से बाहर रीडिंग',
  more: 'और',
  sleepActivity: 'नींद और गतिविधि',
  sleepAvg: 'औसत नींद',
  hoursPerNight: 'घंटे प्रति रात',
  nights: 'रातें',
  sessions: 'बार',
  shortNights: 'रातें 6 घंटे से कम',
  exercise: 'व्यायाम',
  minPerWeek: 'मिनट प्रति सप्ताह',
  alarms: 'चैट चेतावनियाँ और आपातकालीन अलर्ट',
  labs: 'लैब रिपोर्ट (हर जाँच का ताज़ा नतीजा, पिछले 2 वर्ष)',
  noLabs: 'पिछले 2 वर्षों में कोई लैब रिपोर्ट नहीं',
  hba1cTrend: 'HbA1c का रुझान',
  hba1cTarget: 'डॉक्टर द्वारा तय लक्ष्य',
  noTarget: 'कोई लक्ष्य दर्ज नहीं',
  triage: 'चैट चेतावनी',
  emergency: 'आपातकालीन अलर्ट',
  noData: 'इस अवधि में कोई डेटा नहीं',
  generated: 'बनाया गया',
  disclaimer: 'मरीज़ और परिवार द्वारा Podd में दर्ज; यह निदान नहीं है।',
  female: 'महिला',
  male: 'पुरुष',
  other: 'अन्य',
  systolic: 'रक्तचाप',
  heart_rate: 'हृदय गति',
  blood_sugar: 'शुगर',
  spo2: 'SpO2',
  temperature: 'तापमान',
  low: 'कम',
  high: 'अधिक',
};

export const STRINGS: Record<ReportLang, ReportStrings> = { en: EN, hi: HI };

/** `?lang=` wins, then the first supported Accept-Language tag, then English. */
export function pickLang(lang: string | undefined, acceptLanguage: string | undefined): ReportLang {
  if (lang && (REPORT_LANGS as readonly string[]).includes(lang)) return lang as ReportLang;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.trim().slice(0, 2).toLowerCase();
    if ((REPORT_LANGS as readonly string[]).includes(tag)) return tag as ReportLang;
  }
  return 'en';
}

/** Date and time on the user's wall clock, in the report's language. */
export function formatter(lang: ReportLang, zone: string, withTime = true): (d: Date | string) => string {
  const f = new Intl.DateTimeFormat(lang === 'hi' ? 'hi-IN' : 'en-IN', {
    timeZone: zone,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    ...(withTime ? { hour: '2-digit', minute: '2-digit', hour12: false } : {}),
  });
  return (d) => f.format(typeof d === 'string' ? new Date(d) : d);
}
