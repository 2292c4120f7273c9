import type { LanguageStyle } from './pipeline/normalise.js';

/**
 * The offline assistant's words: every reply in English, Hindi (Devanagari) and Hinglish (romanised).
 * Deterministic; numbers and names come from the records the service read or wrote. No diagnosis, no dose advice.
 */
type Three = [en: string, hi: string, hinglish: string];
const pick = (style: LanguageStyle, [en, hi, hg]: Three): string =>
  style === 'hi' ? hi : style === 'hinglish' ? hg : en;

export interface DoseLine {
  name: string;
  dosage: string | null;
  time: string;
  taken: boolean;
}

export interface Replies {
  waterLogged(ml: number, totalToday: number): string;
  waterAmountMissing(): string;
  vitalsLogged(parts: string[], notes: string[]): string;
  foodLogged(meal: string, description: string): string;
  exerciseLogged(type: string, minutes: number): string;
  dosesLogged(lines: { name: string; time: string | null }[]): string;
  noDoseDue(todayLines: DoseLine[]): string;
  noMedicines(): string;
  doseMissedNoted(): string;
  reminderSet(title: string, time: string, days: string): string;
  reminderTimeMissing(): string;
  medicinesToday(lines: DoseLine[], unscheduled: string[]): string;
  lastVital(label: string, value: string, when: string): string;
  noReading(label: string): string;
  waterToday(total: number, entries: number): string;
  nextAppointment(title: string, doctor: string | null, when: string, location: string | null): string;
  noAppointment(): string;
  weekTrend(label: string, summary: string): string;
  weekNoData(label: string): string;
  medicationAdvice(): string;
  symptom(): string;
  recommendation(topic: 'diet' | 'exercise' | 'sleep' | 'general', conditions: string[]): string;
  greeting(): string;
  thanks(): string;
  capabilities(): string;
  feelings(): string;
  fallback(): string;
  everyDay(): string;
  onDays(days: string): string;
  tomorrow(): string;
}

export function replies(style: LanguageStyle): Replies {
  const s = (t: Three): string => pick(style, t);
  return {
    waterLogged: (ml, total) =>
      s([
        `Noted: ${ml} ml of water. Today so far: ${total} ml.`,
        `नोट कर लिया: ${ml} ml पानी। आज अब तक: ${total} ml।`,
        `Note kar liya: ${ml} ml paani. Aaj ab tak: ${total} ml.`,
      ]),
    waterAmountMissing: () =>
      s([
        'How much water did you drink? For example "2 glasses" or "500 ml".',
        'कितना पानी पिया? जैसे "2 गिलास" या "500 ml"।',
        'Kitna paani piya? Jaise "2 glass" ya "500 ml".',
      ]),
    vitalsLogged: (parts, notes) =>
      [
        s([
          `Recorded: ${parts.join(', ')}.`,
          `दर्ज कर लिया: ${parts.join(', ')}।`,
          `Record kar liya: ${parts.join(', ')}.`,
        ]),
        ...notes,
      ].join(' '),
    foodLogged: (meal, d) =>
      s([
        `Logged your ${meal}: ${d}.`,
        `आपका ${meal} दर्ज कर लिया: ${d}।`,
        `Aapka ${meal} log kar liya: ${d}.`,
      ]),
    exerciseLogged: (type, minutes) => {
      const hi: Record<string, string> = {
        walking: 'सैर',
        yoga: 'योग',
        cycling: 'साइकिलिंग',
        swimming: 'तैराकी',
        exercise: 'कसरत',
        running: 'दौड़',
      };
      const hg: Record<string, string> = {
        walking: 'walk',
        yoga: 'yoga',
        cycling: 'cycling',
        swimming: 'swimming',
        exercise: 'exercise',
        running: 'running',
      };
      return s([
        `Logged: ${type}, ${minutes} minutes. Well done!`,
        `दर्ज कर लिया: ${hi[type] ?? type}, ${minutes} मिनट। शाबाश!`,
        `Log kar liya: ${hg[type] ?? type}, ${minutes} minute. Shabaash!`,
      ]);
    },
    dosesLogged: (lines) => {
      const list = lines.map((l) => (l.time ? `${l.name} (${l.time})` : l.name)).join(', ');
      return s([
        `Marked as taken: ${list}. Well done!`,
        `ले ली गई दर्ज की: ${list}। बहुत बढ़िया!`,
        `Le li gayi mark kar di: ${list}. Bahut badhiya!`,
      ]);
    },
    noDoseDue: (today) => {
      const list = today.map((l) => `${l.name} ${l.time}`).join(', ');
      return today.length
        ? s([
            `I couldn't find a dose due right now. Today's doses: ${list}. Which medicine did you take?`,
            `अभी कोई खुराक बाकी नहीं मिली। आज की खुराकें: ${list}। आपने कौन सी दवा ली?`,
            `Abhi koi dose baaki nahi mili. Aaj ki doses: ${list}. Aapne kaun si dawai li?`,
          ])
        : s([
            'There is no medicine scheduled for today. Which medicine did you take? Say its name, e.g. "took my metformin".',
            'आज के लिए कोई दवा तय नहीं है। आपने कौन सी दवा ली? उसका नाम बताइए।',
            'Aaj ke liye koi dawai schedule nahi hai. Aapne kaun si dawai li? Uska naam batayiye.',
          ]);
    },
    noMedicines: () =>
      s([
        'You have no medicines saved yet. Add them in the app, and then I can mark doses as taken.',
        'अभी आपकी कोई दवा सेव नहीं है। ऐप में दवा जोड़िए, फिर मैं खुराक दर्ज कर सकूँगा।',
        'Abhi aapki koi dawai save nahi hai. App mein dawai jodiye, phir main dose mark kar sakunga.',
      ]),
    doseMissedNoted: () =>
      s([
        "I haven't marked it as taken. For a missed dose, please follow your doctor's or pharmacist's advice; don't double up on your own.",
        'मैंने इसे ली गई दर्ज नहीं किया। छूटी खुराक के लिए अपने डॉक्टर या फार्मासिस्ट की सलाह मानें; खुद से दोगुनी न लें।',
        'Maine ise li gayi mark nahi kiya. Chhooti dose ke liye apne doctor ya pharmacist ki salah maniye; khud se double mat lijiye.',
      ]),
    reminderSet: (title, time, days) =>
      s([
        `Reminder set: "${title}" at ${time}, ${days}.`,
        `रिमाइंडर लगा दिया: "${title}" ${time} बजे, ${days}।`,
        `Reminder laga diya: "${title}" ${time} baje, ${days}.`,
      ]),
    reminderTimeMissing: () =>
      s([
        'At what time should I remind you? For example "at 6 pm" or "at 08:30".',
        'किस समय याद दिलाऊँ? जैसे "शाम 6 बजे" या "08:30"।',
        'Kis time yaad dilaun? Jaise "shaam 6 baje" ya "08:30".',
      ]),
    medicinesToday: (lines, unscheduled) => {
      if (!lines.length && !unscheduled.length) {
        return s([
          'You have no medicines scheduled for today.',
          'आज के लिए आपकी कोई दवा तय नहीं है।',
          'Aaj ke liye aapki koi dawai schedule nahi hai.',
        ]);
      }
      const due = lines.filter((l) => !l.taken);
      const fmt = (l: DoseLine): string => `${l.name}${l.dosage ? ` ${l.dosage}` : ''} ${l.time}`;
      const taken = lines.filter((l) => l.taken);
      const parts: string[] = [];
      if (lines.length)
        parts.push(
          s([
            `Today's medicines: ${lines.map(fmt).join(', ')}.`,
            `आज की दवाइयाँ: ${lines.map(fmt).join(', ')}।`,
            `Aaj ki dawaiyan: ${lines.map(fmt).join(', ')}.`,
          ]),
        );
      if (taken.length)
        parts.push(
          s([
            `Taken: ${taken.map(fmt).join(', ')}.`,
            `ले ली: ${taken.map(fmt).join(', ')}।`,
            `Le li: ${taken.map(fmt).join(', ')}.`,
          ]),
        );
      if (lines.length)
        parts.push(
          due.length
            ? s([
                `Still due: ${due.map(fmt).join(', ')}.`,
                `अभी बाकी: ${due.map(fmt).join(', ')}।`,
                `Abhi baaki: ${due.map(fmt).join(', ')}.`,
              ])
            : s([
                "All of today's doses are taken.",
                'आज की सारी खुराकें ले ली गई हैं।',
                'Aaj ki saari doses le li gayi hain.',
              ]),
        );
      if (unscheduled.length)
        parts.push(
          s([
            `Without a set time: ${unscheduled.join(', ')}.`,
            `बिना तय समय के: ${unscheduled.join(', ')}।`,
            `Bina fixed time ke: ${unscheduled.join(', ')}.`,
          ]),
        );
      return parts.join(' ');
    },
    lastVital: (label, value, when) =>
      s([
        `Your last ${label} was ${value} (${when}).`,
        `आपका पिछला ${label} ${value} था (${when})।`,
        `Aapka pichla ${label} ${value} tha (${when}).`,
      ]),
    noReading: (label) =>
      s([
        `I don't have a ${label} reading for you yet.`,
        `अभी आपकी कोई ${label} रीडिंग दर्ज नहीं है।`,
        `Abhi aapki koi ${label} reading record nahi hai.`,
      ]),
    waterToday: (total, n) =>
      s([
        `Today you have had ${total} ml of water (${n} entries).`,
        `आज आपने ${total} ml पानी पिया है (${n} बार)।`,
        `Aaj aapne ${total} ml paani piya hai (${n} baar).`,
      ]),
    nextAppointment: (title, doctor, when, location) =>
      s([
        `Your next appointment: ${title}${doctor ? ` with ${doctor}` : ''}, ${when}${location ? ` at ${location}` : ''}.`,
        `आपकी अगली अपॉइंटमेंट: ${title}${doctor ? ` (${doctor})` : ''}, ${when}${location ? `, ${location}` : ''}।`,
        `Aapki agli appointment: ${title}${doctor ? ` (${doctor})` : ''}, ${when}${location ? `, ${location}` : ''}.`,
      ]),
    noAppointment: () =>
      s([
        'You have no upcoming appointments.',
        'आपकी कोई आने वाली अपॉइंटमेंट नहीं है।',
        'Aapki koi aane wali appointment nahi hai.',
      ]),
    weekTrend: (label, summary) =>
      s([
        `Your ${label} over the last 7 days: ${summary}.`,
        `पिछले 7 दिनों में आपका ${label}: ${summary}।`,
        `Pichhle 7 din mein aapka ${label}: ${summary}.`,
      ]),
    weekNoData: (label) =>
      s([
        `No ${label} records in the last 7 days.`,
        `पिछले 7 दिनों में ${label} का कोई रिकॉर्ड नहीं है।`,
        `Pichhle 7 din mein ${label} ka koi record nahi hai.`,
      ]),
    medicationAdvice: () =>
      s([
        "Please ask your doctor or pharmacist about how and when to take your medicines; I can't advise on doses. I can show today's medicines and mark doses as taken.",
        'दवा कैसे और कब लेनी है, यह अपने डॉक्टर या फार्मासिस्ट से पूछें; मैं खुराक की सलाह नहीं दे सकता। मैं आज की दवाइयाँ दिखा सकता हूँ और ली गई खुराक दर्ज कर सकता हूँ।',
        'Dawai kaise aur kab leni hai, yeh apne doctor ya pharmacist se puchiye; main dose ki salah nahi de sakta. Main aaj ki dawaiyan dikha sakta hoon aur li gayi dose mark kar sakta hoon.',
      ]),
    symptom: () =>
      s([
        "I'm sorry you're not feeling well. I can't diagnose, so please tell your doctor if it continues or gets worse. If it becomes severe, call 112. You can also log a reading here, like \"BP 130/80\".",
        'आपकी तबीयत ठीक न होने का मुझे दुख है। मैं बीमारी नहीं बता सकता, इसलिए अगर यह बनी रहे या बढ़े तो डॉक्टर को बताइए। ज़्यादा तकलीफ हो तो 112 पर कॉल करें।',
        'Aapki tabiyat theek na hone ka mujhe dukh hai. Main bimari nahi bata sakta, isliye agar yeh bani rahe ya badhe to doctor ko bataiye. Zyada takleef ho to 112 par call kijiye.',
      ]),
    recommendation: (topic, conditions) => {
      const cond = conditions.length
        ? s([
            ` (noting: ${conditions.join(', ')})`,
            ` (ध्यान में रखते हुए: ${conditions.join(', ')})`,
            ` (dhyan mein rakhte hue: ${conditions.join(', ')})`,
          ])
        : '';
      const tips: Record<typeof topic, Three> = {
        diet: [
          'Some general ideas: half the plate vegetables, whole grains like roti or daliya instead of refined ones, dal or other protein with each meal, less salt and sugar, and fruit instead of sweets.',
          'कुछ सामान्य सुझाव: आधी थाली सब्ज़ी, मैदे की जगह रोटी या दलिया जैसा साबुत अनाज, हर खाने में दाल या प्रोटीन, कम नमक और चीनी, मिठाई की जगह फल।',
          'Kuch general sujhav: aadhi thali sabzi, maide ki jagah roti ya daliya jaisa sabut anaaj, har khane mein dal ya protein, kam namak aur cheeni, mithai ki jagah phal.',
        ],
        exercise: [
          'Some gentle ideas: a 20–30 minute walk at an easy pace, simple stretches while seated, and slow breathing exercises. Stop if anything hurts.',
          'कुछ हल्के सुझाव: 20–30 मिनट आराम से टहलना, बैठकर हल्की स्ट्रेचिंग, और धीमी सांस की कसरत। दर्द हो तो रुक जाएँ।',
          'Kuch halke sujhav: 20–30 minute aaram se tahalna, baithkar halki stretching, aur dheemi saans ki exercise. Dard ho to ruk jaiye.',
        ],
        sleep: [
          'Some ideas for better sleep: a fixed bedtime, no tea or coffee after the afternoon, a light dinner 2–3 hours before bed, and a short walk in daylight.',
          'अच्छी नींद के लिए: रोज़ एक ही समय पर सोना, दोपहर के बाद चाय-कॉफ़ी नहीं, सोने से 2–3 घंटे पहले हल्का खाना, और दिन में थोड़ी धूप में सैर।',
          'Achhi neend ke liye: roz ek hi time par sona, dopahar ke baad chai-coffee nahi, sone se 2–3 ghante pehle halka khana, aur din mein thodi dhoop mein sair.',
        ],
        general: [
          'Some general ideas: regular meals with vegetables and dal, enough water, a daily walk, good sleep, and taking medicines on time.',
          'कुछ सामान्य सुझाव: सब्ज़ी और दाल के साथ समय पर खाना, पर्याप्त पानी, रोज़ टहलना, अच्छी नींद, और समय पर दवा।',
          'Kuch general sujhav: sabzi aur dal ke saath time par khana, kaafi paani, roz tahalna, achhi neend, aur time par dawai.',
        ],
      };
      return (
        s(tips[topic]) +
        cond +
        s([
          ' Please check with your doctor what suits you best.',
          ' आपके लिए क्या सही है, यह अपने डॉक्टर से ज़रूर पूछें।',
          ' Aapke liye kya sahi hai, yeh apne doctor se zaroor puchiye.',
        ])
      );
    },
    greeting: () =>
      s([
        "Namaste! I'm Podd. Tell me what you ate or drank, your BP or sugar, or that you took your medicine, and I'll note it.",
        'नमस्ते! मैं Podd हूँ। आपने क्या खाया-पिया, बीपी या शुगर कितनी है, या दवा ले ली — बताइए, मैं दर्ज कर लूँगा।',
        'Namaste! Main Podd hoon. Aapne kya khaya-piya, BP ya sugar kitni hai, ya dawai le li — bataiye, main note kar lunga.',
      ]),
    thanks: () =>
      s([
        "You're welcome! Take care.",
        'आपका स्वागत है! अपना ध्यान रखिए।',
        'Koi baat nahi! Apna dhyan rakhiye.',
      ]),
    capabilities: () =>
      s([
        'I can log water, food, BP, sugar, weight and medicines taken, set reminders, and answer questions like "what was my last BP?", "which medicines are still due today?" or "when is my next appointment?".',
        'मैं पानी, खाना, बीपी, शुगर, वज़न और ली गई दवा दर्ज कर सकता हूँ, रिमाइंडर लगा सकता हूँ, और बता सकता हूँ कि पिछला बीपी क्या था, आज कौन सी दवा बाकी है, या अगली अपॉइंटमेंट कब है।',
        'Main paani, khana, BP, sugar, weight aur li gayi dawai record kar sakta hoon, reminder laga sakta hoon, aur bata sakta hoon ki pichla BP kya tha, aaj kaun si dawai baaki hai, ya agli appointment kab hai.',
      ]),
    feelings: () =>
      s([
        'Thank you for telling me. Talking to someone close, a short walk or some music can help. If you feel very low or unsafe, please call Tele-MANAS on 14416 (free, any time) or 112.',
        'बताने के लिए धन्यवाद। किसी अपने से बात करना, थोड़ी सैर या संगीत मदद कर सकता है। अगर मन बहुत उदास हो या असुरक्षित लगे, तो Tele-MANAS 14416 (मुफ़्त, कभी भी) या 112 पर कॉल करें।',
        'Batane ke liye shukriya. Kisi apne se baat karna, thodi sair ya music madad kar sakta hai. Agar mann bahut udaas ho ya asurakshit lage, to Tele-MANAS 14416 (free, kabhi bhi) ya 112 par call kijiye.',
      ]),
    fallback: () =>
      s([
        'I can help with food, water, medicines, BP and sugar readings, and reminders. For example: "I drank 2 glasses of water" or "remind me to walk at 6 pm".',
        'मैं खाना, पानी, दवा, बीपी-शुगर और रिमाइंडर में मदद कर सकता हूँ। जैसे: "मैंने 2 गिलास पानी पिया" या "शाम 6 बजे टहलने की याद दिलाना"।',
        'Main khana, paani, dawai, BP-sugar aur reminder mein madad kar sakta hoon. Jaise: "maine 2 glass paani piya" ya "shaam 6 baje walk ki yaad dila dena".',
      ]),
    everyDay: () => s(['every day', 'रोज़', 'roz']),
    onDays: (days) => s([`on ${days}`, `${days} को`, `${days} ko`]),
    tomorrow: () => s(['tomorrow', 'कल', 'kal']),
  };
}

/** The original's rule: a hi-IN reply without Devanagari gets the `[hi-IN] ` prefix. */
export function applyLocaleRule(reply: string, locale: string): string {
  return locale === 'hi-IN' && !/[\u0900-\u097F]/.test(reply) ? `[hi-IN] ${reply}` : reply;
}
