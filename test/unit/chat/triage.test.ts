import { describe, expect, it } from 'vitest';
import {
  CATEGORIES,
  LANGUAGES,
  TRIAGE_CATEGORIES,
  TRIAGE_LANGUAGES,
  safetyReply,
  triage,
  type TriageCategory,
  type TriageLanguage,
} from '../../../src/chat/triage/index.js';

/**
 * The triage engine, from the clinical red-flag list: examples written per category and per language from the
 * descriptions (not from an evaluation set), hard negatives, other people's emergencies, replies and speed.
 */

const flags = (m: string): TriageCategory[] => triage(m).flags;

describe('triage: every category, in English', () => {
  it.each<[string, TriageCategory]>([
    ['I have a crushing pressure in my chest and I am sweating', 'chest_pain'],
    ['tightness across my chest spreading to my left arm', 'chest_pain'],
    ['my chest feels heavy and I feel sick', 'chest_pain'],
    ['I think my dad is having a heart attack', 'chest_pain'],
    ['pain going down my left arm into the jaw and I am in a cold sweat', 'chest_pain'],
    ['her face is drooping on one side', 'stroke'],
    ['suddenly he cannot lift his right arm', 'stroke'],
    ['my mother is slurring her words', 'stroke'],
    ['sudden loss of vision in my left eye', 'stroke'],
    ['I am seeing double since this morning', 'stroke'],
    ['worst headache of my life came on suddenly', 'stroke'],
    ['suddenly lost her balance and one side of her body is numb', 'stroke'],
    ['he is gasping for air', 'breathing'],
    ['my baby is choking on a grape', 'breathing'],
    ['his lips are turning blue', 'breathing'],
    ['I cannot catch my breath, I can only say a few words', 'breathing'],
    ['my father collapsed in the kitchen', 'collapse'],
    ['she is unresponsive and we cannot wake her', 'collapse'],
    ['grandpa passed out', 'collapse'],
    ['my husband is having a seizure and will not stop shaking', 'seizure'],
    ['she is having a fit for the first time', 'seizure'],
    ['he is jerking all over and foaming at the mouth', 'seizure'],
    ['the cut on his leg is bleeding heavily and it will not stop', 'bleeding'],
    ['my father is vomiting blood', 'bleeding'],
    ['she is coughing up blood', 'bleeding'],
    ['black tarry stools and feeling dizzy and weak', 'bleeding'],
    ['his throat is swelling after a bee sting', 'anaphylaxis'],
    ['my lips and tongue are swollen after eating peanuts', 'anaphylaxis'],
    ['wheezing and short of breath after the antibiotic injection', 'anaphylaxis'],
    ['I took 10 tablets of my sleeping pills at once', 'poisoning'],
    ['my son swallowed rat poison', 'poisoning'],
    ['grandpa drank pesticide', 'poisoning'],
    ['my toddler ate some of grandma’s pills', 'poisoning'],
    ['she drank kerosene by mistake', 'poisoning'],
    ['I want to kill myself', 'self_harm'],
    ['I have been thinking about ending my life', 'self_harm'],
    ['there is no reason to live anymore', 'self_harm'],
    ['I cut myself again tonight', 'self_harm'],
    ['my mother fell and cannot get up', 'fall'],
    ['grandma slipped in the bathroom and is lying on the floor', 'fall'],
    ['he fell and hit his head, he takes warfarin', 'fall'],
    ['dad fell and has severe pain in his hip', 'fall'],
    ['after the knock on the head he has vomited twice and is confused', 'head_injury'],
    ['she hit her head and now clear fluid is coming from her nose', 'head_injury'],
    ['sugar 45', 'dangerous_reading'],
    ['blood sugar is 480 and he is very drowsy', 'dangerous_reading'],
    ['BP 200/125', 'dangerous_reading'],
    ['oxygen 84%', 'dangerous_reading'],
    ['pulse 32', 'dangerous_reading'],
    ['temperature 104 F', 'dangerous_reading'],
    ['sugar 62 and I am sweating and shaking', 'dangerous_reading'],
    ['my 6 week old baby has a fever', 'infant'],
    ['the baby is floppy and not feeding', 'infant'],
    ['my child has a fever and a purple rash that does not fade under a glass', 'infant'],
    ['the baby is breathing fast and her chest is sucking in', 'infant'],
    ['my son got an electric shock from the wire', 'burns'],
    ['boiling water fell on her and the burns cover her whole arm', 'burns'],
    ['acid splashed on his face and burned it', 'burns'],
    ['her saree caught fire', 'burns'],
    ['I am 8 months pregnant and bleeding', 'abdominal_obstetric'],
    ['she is pregnant and had a fit', 'abdominal_obstetric'],
    ['severe stomach pain, the belly is hard as a board and he is vomiting', 'abdominal_obstetric'],
  ])('%s → %s', (msg, category) => expect(flags(msg)).toContain(category));
});

describe('triage: every language, own script and romanised', () => {
  it.each<[string, TriageCategory, TriageLanguage]>([
    ['सीने में तेज़ दर्द और पसीना आ रहा है', 'chest_pain', 'hi'],
    ['पापा का मुँह टेढ़ा हो गया है', 'stroke', 'hi'],
    ['दादी गिर गईं और उठ नहीं पा रहीं', 'fall', 'hi'],
    ['मैं अपनी जान लेना चाहता हूँ', 'self_harm', 'hi'],
    ['बच्चे ने चूहे मार दवा खा ली', 'poisoning', 'hi'],
    ['chest mein pressure hai', 'chest_pain', 'hinglish'],
    ['papa behosh ho gaye hain', 'collapse', 'hinglish'],
    ['dadi gir gayi aur uth nahi pa rahi', 'fall', 'hinglish'],
    ['mummy ko daura pad raha hai', 'seizure', 'hinglish'],
    ['saans nahi aa rahi', 'breathing', 'hinglish'],
    ['main sab pe bojh hoon, mere jaane ke baad sab khush rahenge', 'self_harm', 'hinglish'],
    ['nana ji ne galti se do baar sugar ki goliyan kha li', 'poisoning', 'hinglish'],
    ['munne ke gale mein sikka phans gaya', 'infant', 'hinglish'],
    ['भाई ने गुस्से में कीटनाशक पी लिया', 'self_harm', 'hi'],
    ['दादी बाथरूम में गिरीं और सुबह तक फर्श पर पड़ी रहीं', 'fall', 'hi'],
    ['বুকে ব্যথা করছে', 'chest_pain', 'bn'],
    ['buke byatha korche', 'chest_pain', 'bn'],
    ['বাবা অজ্ঞান হয়ে গেছেন', 'collapse', 'bn'],
    ['আমি মরে যেতে চাই', 'self_harm', 'bn'],
    ['நெஞ்சு வலிக்குது', 'chest_pain', 'ta'],
    ['nenju vali romba irukku', 'chest_pain', 'ta'],
    ['அப்பாவுக்கு மூச்சு விட முடியல', 'breathing', 'ta'],
    ['நான் தற்கொலை செய்ய போகிறேன்', 'self_harm', 'ta'],
    ['ఛాతీలో నొప్పిగా ఉంది', 'chest_pain', 'te'],
    ['naaku chest pain ga undi', 'chest_pain', 'te'],
    ['అమ్మ స్పృహ తప్పి పడిపోయింది', 'collapse', 'te'],
    ['నాకు చచ్చిపోవాలని ఉంది', 'self_harm', 'te'],
    ['छातीत दुखत आहे', 'chest_pain', 'mr'],
    ['आजी पडल्या आणि उठता येत नाही', 'fall', 'mr'],
    ['मला मरायचं आहे', 'self_harm', 'mr'],
    ['છાતીમાં દુખાવો થાય છે', 'chest_pain', 'gu'],
    ['દાદા બેભાન થઈ ગયા', 'collapse', 'gu'],
    ['મારે મરી જવું છે', 'self_harm', 'gu'],
    ['ಎದೆ ನೋವು ಆಗ್ತಿದೆ', 'chest_pain', 'kn'],
    ['ede novu', 'chest_pain', 'kn'],
    ['ನನಗೆ ಸಾಯಬೇಕು', 'self_harm', 'kn'],
    ['നെഞ്ചുവേദന', 'chest_pain', 'ml'],
    ['nenju vedana undu', 'chest_pain', 'ml'],
    ['അച്ഛന് ബോധം പോയി', 'collapse', 'ml'],
    ['എനിക്ക് മരിക്കണം', 'self_harm', 'ml'],
    ['ਛਾਤੀ ਵਿੱਚ ਦਰਦ ਹੋ ਰਿਹਾ ਹੈ', 'chest_pain', 'pa'],
    ['chaati te dard', 'chest_pain', 'pa'],
    ['ਮੈਂ ਮਰਨਾ ਚਾਹੁੰਦਾ ਹਾਂ', 'self_harm', 'pa'],
    ['ଛାତି ଯନ୍ତ୍ରଣା ହେଉଛି', 'chest_pain', 'or'],
    ['appa ku moochu vida mudiyala', 'breathing', 'ta'],
    ['thatha ku vaai konala pochu, pesa mudiyala', 'stroke', 'ta'],
    ['amma ki oopiri aadatledu', 'breathing', 'te'],
    ['amar more jete ichhe korche', 'self_harm', 'bn'],
    ['aai beshuddh zali', 'collapse', 'mr'],
    ['dada bebhan thai gaya', 'collapse', 'gu'],
    ['amma ge usiraadalu aagutilla', 'breathing', 'kn'],
    ['achan bodham poyi', 'collapse', 'ml'],
    ['mainu marna chahunda haan', 'self_harm', 'pa'],
    ['mote mariyibaku ichha heuchi', 'self_harm', 'or'],
    ['పాపకు రెండు నెలలు, జ్వరం వస్తోంది', 'infant', 'te'],
    ['ಅಜ್ಜಿ ಬಿದ್ದಿದ್ದಾರೆ, ಏಳೋಕೆ ಆಗ್ತಿಲ್ಲ', 'fall', 'kn'],
    ['ਮੁੰਡੇ ਨੇ ਜ਼ਹਿਰ ਪੀ ਲਿਆ', 'poisoning', 'pa'],
    ['ରକ୍ତ ବନ୍ଦ ହେଉନି', 'bleeding', 'or'],
    ['ମୁଁ ମରିଯିବାକୁ ଚାହୁଁଛି', 'self_harm', 'or'],
  ])('%s → %s (%s)', (msg, category, language) => {
    const r = triage(msg);
    expect(r.flags).toContain(category);
    expect(r.language).toBe(language);
  });

  it('reads Indian digits and folds script variants (nukta, chandrabindu, ZWJ)', () => {
    expect(flags('शुगर ४५०')).toContain('dangerous_reading');
    expect(flags('सीने मे दर्द')).toContain('chest_pain');
    expect(flags('സ്വയം ആത്മഹത്യ ചെയ്യാൻ തോന്നുന്നു')).toContain('self_harm');
    expect(flags('ചേട്ടന് ബോധം പോയി\u200d')).toContain('collapse');
  });

  it('reads numbers said in words, one language at a time', () => {
    expect(flags('temperature is one hundred and five')).toContain('dangerous_reading');
    expect(flags('oxygen eighty two percent')).toContain('dangerous_reading');
    expect(flags('sugar chalis hai')).toContain('dangerous_reading');
    expect(flags('bp do sau bees by ek sau tees')).toContain('dangerous_reading');
    expect(flags('शुगर पाँच सौ से ऊपर है')).toContain('dangerous_reading');
    expect(flags('sugar one hundred and ten')).not.toContain('dangerous_reading');
    expect(flags('bp ek sau bees by assi')).not.toContain('dangerous_reading');
    expect(flags('oxygen ninety six')).toEqual([]);
  });
});

describe('triage: context that is not a current emergency', () => {
  it.each([
    'no chest pain today',
    'सीने में दर्द नहीं है',
    'seene mein koi dard nahi hai',
    'எனக்கு நெஞ்சுவலி இல்லை',
    'had a stroke last year',
    'dadi ko pichle saal lakwa maara tha',
    'my father died of a heart attack in 2019',
    'I watched a movie about a heart attack survivor',
    'what are the signs of a stroke?',
    'what are the symptoms of heart attack',
    'if someone faints what should I do',
    'how can I reduce my risk of a heart attack',
    'my chest is sore after chest day at the gym',
    'did a heavy chest workout yesterday',
    'I had a heavy meal and feel full',
    "I'm dying to see that film",
    'killing it at work today',
    'my phone died',
    'small kitchen burn on the finger',
    'burnt the toast again',
    'my husband fell asleep on the sofa',
    'hair fall is a problem these days',
    'BP 130/85',
    'sugar 110',
    'mujhe 20 saal se sugar hai',
    'I took my 5 tablets this morning',
    'gave mom her blood pressure pill',
    'I get a little breathless when I climb stairs',
    'breathing exercises for better lungs',
    'heat stroke tips for summer',
    'food poisoning last week, better now',
    'lunch mein dal chawal aur sabzi khayi',
    'chest x ray report is normal',
    'my blood test report came today',
    'pehle seene mein dard tha, ab theek hoon',
    'papa ko mirgi hai, uski dawai roz lete hain',
    'I nearly passed out when I heard the price',
    'saw a documentary on youtube, the news said heart attacks are rising in women',
    'स्ट्रोक के बारे में एक लेख पढ़ा',
    'nani ka lakwa 3 saal purana hai, ab chal leti hain',
    "I don't want to die, I want to get healthy",
    'I am fit and fine',
    'she is under a lot of pressure at work',
    'my heart is heavy since my dog died',
    'grandma loves the movie where the hero faints',
    'donated blood today',
    'took a deep breath and relaxed',
    'had acid reflux after dinner',
    'I cut myself shaving',
    'I take 12 tablets a day for my conditions',
    'The doctor said my chest pain was muscular',
    'I can’t breathe through my nose because of the cold',
    'My mother is recovering well from her stroke',
    'She fainted once in 2015 during a blood test',
    'ఛాతీ నొప్పి లేదు',
    'বুকে ব্যথা নেই',
    'छातीत दुखत नाही',
    'છાતીમાં દુખાવો નથી',
    'ಎದೆ ನೋವು ಇಲ್ಲ',
    'നെഞ്ചുവേദന ഇല്ല',
    'ਛਾਤੀ ਵਿੱਚ ਦਰਦ ਨਹੀਂ ਹੈ',
    'ଛାତି ଯନ୍ତ୍ରଣା ନାହିଁ',
    'போன வருஷம் அப்பாவுக்கு மாரடைப்பு வந்தது',
    'గత సంవత్సరం నాన్నకు గుండెపోటు వచ్చింది',
    'ਪਿਛਲੇ ਸਾਲ ਬਾਪੂ ਜੀ ਨੂੰ ਦਿਲ ਦਾ ਦੌਰਾ ਪਿਆ ਸੀ',
    'మాత్రలు వేసుకున్నాను',
    'ഞാൻ ഗുളിക കഴിച്ചു',
    'ಮಂಡಿ ನೋವು ಇದೆ',
    'ଆଣ୍ଠୁ ଯନ୍ତ୍ରଣା ହେଉଛି',
    'nenu ee roju idli tinnanu',
  ])('no alarm: %s', (msg) => expect(flags(msg)).toEqual([]));

  it('history and negation only silence their own clause', () => {
    expect(flags('I had a stroke last year and now my arm is suddenly weak')).toContain('stroke');
    expect(flags('no fever, but he collapsed')).toContain('collapse');
    expect(flags('pichle saal heart attack aaya tha, abhi phir se seene mein dard ho raha hai')).toContain(
      'chest_pain',
    );
    expect(flags('what are the signs of a stroke? my wife’s face is drooping')).toContain('stroke');
  });

  it('a current emergency of someone else alarms, and so does a carer who plays it down', () => {
    expect(flags('my mother collapsed')).toContain('collapse');
    expect(flags('papa is just tired but can’t get up')).toContain('fall');
    expect(flags('probably nothing but her face is drooping')).toContain('stroke');
    expect(flags('she says it is only gas but the chest pressure is spreading to her jaw')).toContain(
      'chest_pain',
    );
  });
});

describe('triage: indirect phrasings and shared context rules', () => {
  it.each<[string, TriageCategory]>([
    ['she keeps clutching her chest', 'chest_pain'],
    ['the pain is spreading into his left arm', 'chest_pain'],
    ['says it is only acidity but he is drenched in a cold sweat and rubbing his chest', 'chest_pain'],
    ['he says his mouth only goes up on one side when he smiles', 'stroke'],
    ['suddenly everything looks double to her', 'stroke'],
    ['dad is talking gibberish and doesnt know where he is', 'collapse'],
    ['grandpa slumped in his chair and is not answering', 'collapse'],
    ['dadi bolte bolte so ja rahi hain', 'collapse'],
    ['nani aankh nahi khol rahi', 'collapse'],
    ['दादाजी आंखें ही नहीं खोल रहे', 'collapse'],
    ['when im gone look after your mother, ive made up my mind', 'self_harm'],
    ['ab jeene ka koi fayda nahi, sab khatam kar dungi', 'self_harm'],
    ['my 3 year old swallowed some of grandpas pills', 'poisoning'],
    ['bhai ne fasal ki dawa pi li', 'poisoning'],
    ['3 week old baby temperature 100.4', 'infant'],
    ['he makes a whistling sound from the throat with every breath', 'breathing'],
    ['grandma is breathing strangely and there is a gurgle in her throat', 'breathing'],
    ['he cnt breath properly', 'breathing'],
    ['my wife collaped in the kitchen', 'collapse'],
    ['um my dad fell down and hes not getting up', 'fall'],
    ['munni ko tez bukhar hai aur gardan akad gayi', 'infant'],
    ['grandpa took double his insulin by mistake', 'poisoning'],
  ])('%s → %s', (msg, category) => expect(flags(msg)).toContain(category));

  it('a romanised negation counts only in its own language: Gujarati "na" is "of", not Hinglish "no"', () => {
    expect(flags('mara bapuji ne chhati na bhag ma bahu dukhavo thay che')).toContain('chest_pain');
    expect(flags('seene mein dard nahi hai')).toEqual([]);
    expect(flags('no chest pain, bas thakaan hai')).toEqual([]);
  });

  it('history stays history when "now" only follows the sign; a sign after "now" is current', () => {
    expect(flags('had a stroke last year fine now')).toEqual([]);
    expect(flags('had a stroke last year now her face is drooping')).toContain('stroke');
  });

  it('romanised "papa" is a father, not a baby: no infant flag, no Tamil or Telugu reply', () => {
    const r = triage('papa ko saans nahi aa rahi');
    expect(r.flags).toEqual(['breathing']);
    expect(r.language).toBe('hinglish');
    expect(triage('papa ko tez bukhar hai aur ulti ho rahi hai').flags).not.toContain('infant');
  });

  it('a film is a story when it has a hero, not when someone collapses while the family watches it', () => {
    expect(flags('cinema lo hero ki heart attack vachindi, chala emotional scene')).toEqual([]);
    expect(flags('we were watching a movie and just then grandpa collapsed')).toContain('collapse');
    expect(flags('film dekh rahe the tabhi papa behosh ho gaye')).toContain('collapse');
  });

  it('laughing till breathless is not a breathing emergency', () => {
    expect(flags('I was choking with laughter at that film')).toEqual([]);
    expect(flags('hanste hanste saans phool gayi')).toEqual([]);
  });
});

describe('safety reply', () => {
  const contact = { name: 'Asha', phone: '+919800000000', relationship: 'daughter' };
  const selfHarm: Record<TriageLanguage, string> = {
    en: 'I want to end my life',
    hi: 'मैं आत्महत्या करना चाहता हूँ',
    hinglish: 'mujhe marna hai',
    bn: 'আমি আত্মহত্যা করতে চাই',
    ta: 'நான் சாகணும்',
    te: 'నాకు ఆత్మహత్య చేసుకోవాలని ఉంది',
    mr: 'मला आत्महत्या करायची आहे',
    gu: 'મારે આત્મહત્યા કરવી છે',
    kn: 'ನಾನು ಆತ್ಮಹತ್ಯೆ ಮಾಡಿಕೊಳ್ಳುತ್ತೇನೆ',
    ml: 'എനിക്ക് ആത്മഹത്യ ചെയ്യണം',
    pa: 'ਮੈਂ ਖੁਦਕੁਸ਼ੀ ਕਰਨਾ ਚਾਹੁੰਦਾ ਹਾਂ',
    or: 'ମୁଁ ଆତ୍ମହତ୍ୟା କରିବି',
  };

  it.each(TRIAGE_LANGUAGES.map((l) => [l]))(
    'self-harm in %s: its language, 14416, 112, 108, the contact',
    (l) => {
      const r = triage(selfHarm[l]);
      expect(r.flags[0]).toBe('self_harm');
      expect(r.language).toBe(l);
      const reply = safetyReply(r, contact);
      expect(reply).toContain('14416');
      expect(reply).toContain('1-800-891-4416');
      expect(reply).toContain('112');
      expect(reply).toContain('108');
      expect(reply).toContain('Asha (daughter), +919800000000');
      expect(reply).toContain('Emergency alert');
      expect(reply).toBe(safetyReply(r, contact).normalize('NFC'));
    },
  );

  it('every language and category: ASCII digits only, no medicine or dose, not driving alone', () => {
    const digits =
      /[\u0966-\u096f\u09e6-\u09ef\u0a66-\u0a6f\u0ae6-\u0aef\u0b66-\u0b6f\u0be6-\u0bef\u0c66-\u0c6f\u0ce6-\u0cef\u0d66-\u0d6f]/;
    const medicine =
      /aspirin|ecosprin|disprin|sorbitrate|nitro|paracetamol|ibuprofen|insulin|adrenaline|epipen|\bmg\b|\bdose|खुराक|ऐस्पिरिन|एस्पिरिन/i;
    for (const lang of LANGUAGES)
      for (const category of TRIAGE_CATEGORIES) {
        const r = {
          emergency: true,
          flags: [category],
          findings: [{ category, confidence: 1 }],
          language: lang.id,
        };
        for (const c of [contact, null]) {
          const reply = safetyReply(r, c);
          expect(reply, `${lang.id}/${category}`).not.toMatch(digits);
          expect(reply, `${lang.id}/${category}`).not.toMatch(medicine);
          expect(reply).toMatch(/112/);
          expect(reply).toMatch(/108/);
        }
      }
    const en = safetyReply(triage('my father collapsed'), null);
    expect(en).toMatch(/do not drive yourself/i);
    expect(en).toMatch(/keep someone with you/i);
    expect(en).toMatch(/add an emergency contact/);
  });

  it('the main category leads: self-harm with an overdose still names Tele-MANAS', () => {
    const r = triage('I took 20 sleeping pills because I want to die');
    expect(r.flags).toEqual(expect.arrayContaining(['self_harm', 'poisoning']));
    expect(r.findings.map((f) => f.category)).toEqual(r.flags);
    expect(r.findings.every((f) => f.confidence > 0 && f.confidence <= 1)).toBe(true);
    expect(safetyReply(r, null)).toContain('14416');
  });
});

describe('triage: indirect and caregiver phrasings in mr, gu, pa, or', () => {
  it.each<[string, TriageCategory, TriageLanguage]>([
    ['ਬਾਪੂ ਨੇ ਕੀੜੇਮਾਰ ਦਵਾਈ ਪੀ ਲਈ', 'poisoning', 'pa'],
    ['ਮਾਂ ਨੂੰ ਹਿਲਾਉਣ ਤੇ ਵੀ ਨਹੀਂ ਉੱਠਦੀ', 'collapse', 'pa'],
    ['dhidd pathar varga ho gaya', 'abdominal_obstetric', 'pa'],
    ['ਮੈਂ ਖੂਹ ਵਿੱਚ ਛਾਲ ਮਾਰ ਦੇਣੀ', 'self_harm', 'pa'],
    ['ਦਾਦੀ ਵਾਰਫਰਿਨ ਲੈਂਦੀ ਹੈ, ਬਾਥਰੂਮ ਵਿੱਚ ਡਿੱਗ ਗਈ', 'fall', 'pa'],
    ['bebe nu saah charhya, ik gal vi puri nahi kar sakdi', 'breathing', 'pa'],
    ['bapa nka muha eka pakhaku benki gala', 'stroke', 'or'],
    ['maa nku mirigi, patiru phena aasuchi', 'seizure', 'or'],
    ['jejebapa nku dakile sada deunahanti', 'collapse', 'or'],
    ['mahu machhi kamudila, otha phulila', 'anaphylaxis', 'or'],
    ['chhua ra 4 saptaha, jwara achhi', 'infant', 'or'],
    ['ଛୁଆ ଉପରେ ଫୁଟନ୍ତା ତେଲ ପଡ଼ିଲା, ମୁହଁ ପୋଡ଼ିଲା', 'burns', 'or'],
    ['baba chya dokyala maar lagla, ultya hot aahet', 'head_injury', 'mr'],
    ['aajoba konalach olkhat nahit', 'collapse', 'mr'],
    ['mulane aajobanchya sagalya golya khallya', 'poisoning', 'mr'],
    ['ba nu mathu athdayu, have ulti thay che', 'head_injury', 'gu'],
    ['મેં મારી નસ કાપી છે', 'self_harm', 'gu'],
    ['દાદા લોહી પાતળું કરવાની ગોળી લે છે, બાથરૂમમાં પડી ગયા', 'fall', 'gu'],
  ])('%s → %s (%s)', (msg, category, language) => {
    const r = triage(msg);
    expect(r.flags).toContain(category);
    expect(r.language).toBe(language);
  });

  it.each([
    'ਫ਼ਸਲ ਤੇ ਛਿੜਕਣ ਵਾਲੀ ਦਵਾਈ ਕਿੱਥੋਂ ਮਿਲਦੀ',
    'ਬਾਪੂ ਜੀ ਰੋਜ਼ ਖੂਨ ਪਤਲਾ ਕਰਨ ਦੀ ਦਵਾਈ ਲੈਂਦੇ ਨੇ',
    'ei garame mu mari jibi',
    'kama sabu sesa hela',
    'jwara 2 saptaha hela',
    'taap 3 aathavde pasun aahe',
    'pot dukhtay thoda',
    'dadi ni BP ni golio khatam thai gai',
  ])('no alarm: %s', (msg) => expect(flags(msg)).toEqual([]));
});

describe('triage: concepts found missing by the blind evaluation, said in other words', () => {
  // Each concept the blind set showed missing (see test/chat/triage-eval/README.md), in phrasings of no set.
  it.each<[string, TriageCategory]>([
    ['he has to stop for breath after every word', 'breathing'],
    ['mum is too breathless to talk on the phone', 'breathing'],
    ['grandpa barely opens his eyes when we call him', 'collapse'],
    ['she is barely responding to us', 'collapse'],
    ['a swing hit him in the head and he has thrown up three times', 'head_injury'],
    ['took an elbow to the head at football, now keeps vomiting', 'head_injury'],
    ['after the road accident she cant remember anything', 'head_injury'],
    ['hit by a bike this morning, watery fluid coming from his ear', 'head_injury'],
    ['விபத்துக்கு அப்புறம் அப்பா மயங்கி விழுந்துட்டாரு', 'head_injury'],
    ['ಅಪಘಾತದ ನಂತರ ಅವನಿಗೆ ಏನೂ ನೆನಪಿಲ್ಲ', 'head_injury'],
    ['her eyes went up and her arms started jerking', 'seizure'],
    ['aankhen upar chadh gayi aur haath pair kaanp rahe', 'seizure'],
    ['ಕಣ್ಣು ಮೇಲೆ ಹೋಗಿ ಕೈ ಕಾಲು ನಡುಗುತ್ತಿದೆ', 'seizure'],
    ['ऑक्सिजन आज सत्त्याऐंशी दाखवतोय', 'dangerous_reading'],
    ['બાની સુગર આજે ફક્ત ત્રીસ આવી', 'dangerous_reading'],
    ['ਆਕਸੀਜਨ ਹੁਣ ਸਤਾਸੀ ਦਿਖਾ ਰਿਹਾ', 'dangerous_reading'],
    ['ବାପାଙ୍କ ସୁଗାର ଆଜି କେବଳ ତିରିଶ', 'dangerous_reading'],
    ['शुगर सिर्फ़ बत्तीस आई है', 'dangerous_reading'],
    ['oxygen abhi chaurasi dikha raha', 'dangerous_reading'],
    ['amma idathu kaal thideernu asaiya mattengudhu', 'stroke'],
    ['paiyanukku kai kaal vetti izhukkudhu', 'seizure'],
    ['thookku potukkalaam nu thonudhu', 'self_harm'],
    ['aaichya davya hatat achanak takad nahi rahili', 'stroke'],
    ['બાનો ડાબો હાથ અચાનક ખોટો પડી ગયો', 'stroke'],
    ['ಅಜ್ಜ ಇದ್ದಕ್ಕಿದ್ದಂತೆ ಬಿದ್ದರು, ಕರೆದರೂ ಮಾತಾಡುತ್ತಿಲ್ಲ', 'collapse'],
    ['ಮೂಗಿನಿಂದ ರಕ್ತ ನಿಲ್ಲೋದೇ ಇಲ್ಲ', 'bleeding'],
    ['ಅಜ್ಜ ಅಸಂಬದ್ಧವಾಗಿ ಮಾತಾಡುತ್ತಿದ್ದಾರೆ', 'collapse'],
    ['നെഞ്ചിൽ ആരോ അമർത്തുന്ന പോലെ തോന്നുന്നു', 'chest_pain'],
    ['njan ini marikkan pokuvaanu', 'self_harm'],
    ['bapu ji dig paye te hun nahi bolde', 'collapse'],
    ['ਬੱਚੇ ਨੂੰ ਝਟਕੇ ਪੈਣ ਲੱਗ ਪਏ', 'seizure'],
    ['veer ne kheti di dawai pi layi', 'poisoning'],
    ['chhati chapi dharuchi, hata paryanta byatha', 'chest_pain'],
    ['ହଠାତ୍ ସବୁ ଝାପସା ଦିଶୁଛି', 'stroke'],
    ['মা হঠাৎ একটা চোখে দেখতে পারছে না', 'stroke'],
    ['matha te chot legeche, tarpor theke bomi', 'head_injury'],
    ['nune paddi mokham kaalipoyindi', 'burns'],
    ['dada ne shwas nathi levato, bolta pan nathi', 'breathing'],
  ])('%s → %s', (msg, category) => expect(flags(msg)).toContain(category));

  it.each([
    'గుండె నొప్పి ఎందుకు వస్తుంది',
    'బాబుకి ఫిట్స్ రాలేదు, జ్వరం మాత్రమే',
    'ಮಗನಿಗೆ ಫಿಟ್ಸ್ ಆಗಿಲ್ಲ, ಸ್ವಲ್ಪ ಜ್ವರ ಅಷ್ಟೇ',
    'എനിക്ക് ശ്വാസംമുട്ടൽ ഒന്നുമില്ല',
    'ପୁଅକୁ ମିର୍ଗୀ ହୋଇନାହିଁ',
    'gata barsa maa nka stroke hoithila',
    'pona maasam thatha ku stroke vanthuchu, ippo paravala',
    'in the serial the grandmother collapsed at the wedding',
    'aajobanna chakkar nahi, ulti nahi',
    'my car had an accident with a scooter, no one hurt',
  ])('no alarm: %s', (msg) => expect(flags(msg)).toEqual([]));
});

describe('triage: concepts found missing by the second blind evaluation, said in other words', () => {
  // Each concept blind2.json showed missing (see test/chat/triage-eval/README.md), in phrasings of no set.
  it.each<[string, TriageCategory]>([
    ['found mum lying on the kitchen floor and she is not responding to us', 'collapse'],
    ['the gauze has soaked through twice already, it keeps soaking through', 'bleeding'],
    ['nani accidentally swallowed a full strip of her amlodipine', 'poisoning'],
    ['he spilled boiling water over his son, the boy is screaming', 'burns'],
    ['beti ne mosquito spray muh mein daal liya', 'poisoning'],
    ['बुखार के साथ दाने हैं, दबाने पर भी नहीं मिट रहे', 'infant'],
    ['सात महीने की गर्भवती है, अभी दौरा पड़ा', 'abdominal_obstetric'],
    ['দাদু অনেকগুলো ঘুমের ওষুধ খেয়ে নিয়েছে', 'poisoning'],
    ['im standing at the edge of the terrace, tell everyone i loved them', 'self_harm'],
    ['ஒன்றரை மாச குழந்தைக்கு காய்ச்சல்', 'infant'],
    ['నాన్న ఎడమ చేయి మొద్దుబారిపోయింది, మాట సరిగా రావట్లేదు', 'stroke'],
    ['aai la achanak don don disat aahe', 'stroke'],
    ['bala ne chukun ghaslet pila', 'poisoning'],
    ['ਡੇਢ ਮਹੀਨੇ ਦੀ ਬੱਚੀ ਨੂੰ ਤੇਜ਼ ਬੁਖਾਰ', 'infant'],
    ['ଦେଢ଼ ମାସର ଶିଶୁକୁ ଜ୍ୱର', 'infant'],
    ['bapa nka gote pakhe hata kam karunahi', 'stroke'],
    ['hak marli tari uttar det nahi aaji', 'collapse'],
    // Hot oil or water is a burn when it landed on someone, in each language's own script.
    ['சூடான எண்ணெய் பாப்பாவோட முகத்துல தெறிச்சுடுச்சு', 'burns'],
    ['அடுப்புல இருந்த கொதிக்கும் தண்ணீர் பையன் கை மேல கவிழ்ந்துடுச்சு', 'burns'],
    ['వేడి నూనె పాప ముఖం మీద ఒలికింది', 'burns'],
    ['మరిగే నీళ్ళు బాబు చేతి మీద పడ్డాయి', 'burns'],
    ['തിളച്ച എണ്ണ കുഞ്ഞിന്റെ കൈയിൽ മറിഞ്ഞു', 'burns'],
    ['ചൂടുള്ള എണ്ണ മോന്റെ മുഖത്ത് തെറിച്ചു', 'burns'],
    ['ਉਬਲਦਾ ਤੇਲ ਬੱਚੇ ਦੇ ਹੱਥ ਉੱਤੇ ਡੁੱਲ੍ਹ ਗਿਆ', 'burns'],
    ['ਗਰਮ ਚਾਹ ਕੁੜੀ ਦੇ ਮੂੰਹ ਉੱਤੇ ਉਲਟ ਗਈ', 'burns'],
    ['ગરમ ચા બાળકના હાથ પર ઢોળાઈ ગઈ', 'burns'],
    ['ଫୁଟନ୍ତା ପାଣି ଛୁଆର ହାତ ଉପରେ ଢାଳି ହୋଇଗଲା', 'burns'],
    ['ফুটন্ত জল বাচ্চার হাতের উপর পড়ে গেছে', 'burns'],
    ['ಬಿಸಿ ಎಣ್ಣೆ ಮಗುವಿನ ಮುಖದ ಮೇಲೆ ಚೆಲ್ಲಿತು', 'burns'],
  ])('%s → %s', (msg, category) => expect(flags(msg)).toContain(category));

  it.each([
    'the kids are playing on the floor and not answering me',
    'i fried pakoras in boiling oil, my hands are tired now',
    'made tea with boiling water for both of us',
    'kids ate a whole box of chocolates',
    'did you take your metformin and amlodipine today',
    'she is standing on the bridge railing to take a selfie',
    'fixing the dish antenna at the edge of the roof',
    'jara 2 minute ruko, sugar check kar rahi hoon',
    'garam tel mein puri tal rahi hoon',
    // Frying in boiling oil, or bathing a child in hot water, with nothing spilled on anyone.
    'கொதிக்கும் எண்ணெய்ல வடை பொரிச்சேன், இப்போ கை வலிக்குது',
    'మరిగే నూనెలో పకోడీలు వేయించాను, చేతులు నొప్పిగా ఉన్నాయి',
    'തിളച്ച എണ്ണയിൽ പപ്പടം വറുത്തു, കൈ വേദനിക്കുന്നു',
    'ਉਬਲਦੇ ਤੇਲ ਵਿੱਚ ਪਕੌੜੇ ਤਲੇ, ਹੁਣ ਹੱਥ ਦੁਖਦੇ ਨੇ',
    'ઉકળતા તેલમાં ભજીયા તળ્યા, હવે હાથ દુખે છે',
    'ଫୁଟନ୍ତା ତେଲରେ ପକୁଡ଼ି ଛାଣିଲି, ହାତ ବିନ୍ଧୁଛି',
    'গরম তেলে লুচি ভাজলাম, এখন হাত ব্যথা করছে',
    'ಕುದಿಯುವ ಎಣ್ಣೆಯಲ್ಲಿ ಬೋಂಡಾ ಕರಿದೆ, ಕೈ ನೋವು',
    'ফুটন্ত জলে চা বানালাম',
    'ಬಿಸಿ ನೀರಿನಲ್ಲಿ ಮಗುವಿಗೆ ಸ್ನಾನ ಮಾಡಿಸಿದೆ',
  ])('no alarm: %s', (msg) => expect(flags(msg)).toEqual([]));
});

describe('taxonomy data', () => {
  it('has exactly the 15 categories, each with rules and sources', () => {
    expect(CATEGORIES.map((c) => c.id).sort()).toEqual([...TRIAGE_CATEGORIES].sort());
    for (const c of CATEGORIES) {
      expect(c.rules.length).toBeGreaterThan(0);
      expect(c.sources.length).toBeGreaterThan(0);
    }
  });

  it('every concept a rule names has words in English, and every language says where its words come from', () => {
    const en = LANGUAGES.find((l) => l.id === 'en')!;
    for (const c of CATEGORIES)
      for (const r of c.rules)
        for (const slot of r.all)
          for (const concept of slot.split('|'))
            if (!concept.startsWith('NUM>=')) expect(en.terms[concept], `${c.id}: ${concept}`).toBeDefined();
    expect(LANGUAGES.map((l) => l.id).sort()).toEqual([...TRIAGE_LANGUAGES].sort());
    for (const l of LANGUAGES) {
      expect(l.sources.length).toBeGreaterThan(0);
      expect(l.terms['@self_harm']?.length).toBeGreaterThan(0);
      expect(l.reply.teleManas).toContain('14416');
    }
  });
});

describe('speed and long messages', () => {
  it('a 5,000-character message with the emergency at the end alarms', () => {
    const filler = 'Today I walked in the park and had idli for breakfast with my grandson. ';
    const long = filler.repeat(Math.ceil(5000 / filler.length)).slice(0, 4980) + ' Now my father collapsed.';
    expect(long.length).toBeGreaterThan(4990);
    expect(flags(long)).toContain('collapse');
    expect(flags(filler.repeat(70))).toEqual([]);
  });

  it('p99 under 1 ms per message over a few thousand messages', () => {
    const base = [
      'I drank 2 glasses of water',
      'my father collapsed and is not breathing',
      'सीने में दर्द नहीं है, बस थोड़ी थकान है',
      'nenju vali romba irukku',
      'what are the signs of a stroke?',
      'BP 140/90 pulse 82 sugar 110 fasting',
      'remind me to take my metformin at 8 pm every day',
      'ছাতি',
      'had a heavy lunch, then a walk, then tea with my friends at the club',
    ];
    const messages = Array.from({ length: 3000 }, (_, i) => `${base[i % base.length]} ${i}`);
    for (const m of messages.slice(0, 1000)) triage(m); // warm up (compile)
    // CPU time of this process, not wall time: the machine may be busy with other work. The best of three
    // passes, so a GC pause or a busy neighbour in one pass does not decide (bench/triage-cost.mjs reports the figure).
    const p99OfOnePass = (): number => {
      const times = messages.map((m) => {
        const t0 = process.cpuUsage();
        triage(m);
        const d = process.cpuUsage(t0);
        return (d.user + d.system) / 1000;
      });
      times.sort((a, b) => a - b);
      return times[Math.floor(times.length * 0.99)];
    };
    expect(Math.min(p99OfOnePass(), p99OfOnePass(), p99OfOnePass())).toBeLessThan(1);
  });
});

describe('triage: indirect and caregiver phrasings in bn, ta, te, kn, ml', () => {
  it.each<[string, TriageCategory]>([
    ['মেজদার রক্তবমি হচ্ছে', 'bleeding'],
    ['তিন সপ্তাহের বাচ্চা, গা গরম, জ্বর ১০১', 'infant'],
    ['কাকু মাথায় বাড়ি খেয়ে একই প্রশ্ন করছেন', 'head_injury'],
    ['dadu chokh khulte parchhe na', 'collapse'],
    ['ঠাকুমার মুখ দিয়ে ফেনা বেরোচ্ছে', 'seizure'],
    ['கொதிக்கிற தண்ணி குழந்தை கையில கொட்டிடுச்சு', 'burns'],
    ['thatha mela sudu thanni kottiduchu', 'burns'],
    ['paati nenju mela yaaro ukkaandha maadhiri irukkunu solraanga', 'chest_pain'],
    ['thaatha vaayila nurai thalluthu', 'seizure'],
    ['vaazha pidikkala, ellathaiyum mudichukka poren', 'self_harm'],
    ['marige neellu bidda cheyyi meeda padindi', 'burns'],
    ['నాన్న ఎవరినీ గుర్తుపట్టడం లేదు', 'collapse'],
    ['amma uri vesukuntanu antondi', 'self_harm'],
    ['ಮಗು ಫಿನಾಯಿಲ್ ಕುಡಿದು ಬಿಟ್ಟಿದೆ', 'poisoning'],
    ['appa kemmidaaga baayi tumba rakta', 'bleeding'],
    ['ajji karedru uttara kodtilla', 'collapse'],
    ['thatha mettilinda bidru, eddu nilloke aagtilla', 'fall'],
    ['ammakku vayaru vedana sahikkan pattunnilla, chardhi', 'abdominal_obstetric'],
    ['hotte novu sahisoke aagtilla, vaanti', 'abdominal_obstetric'],
    ['পাঁচ মাসের বাচ্চার মাথার তালু ফুলে উঠেছে, খুব কাঁদছে', 'infant'],
    ['kunjinte uchi pongi nilkkunnu, nirthathe karayunnu', 'infant'],
    ['ಎಲ್ಲರಿಗೂ ಹೊರೆ ಆಗಿದ್ದೀನಿ, ಸಾಯಬೇಕು ಅನ್ಸುತ್ತೆ', 'self_harm'],
    ['എട്ടാം മാസം, ബ്ലീഡിംഗ് തുടങ്ങി', 'abdominal_obstetric'],
    ['ഓക്സിജൻ എഴുപത്തിയെട്ട്', 'dangerous_reading'],
    ['அம்மாவுக்கு ஆக்ஸிஜன் எண்பத்தி நாலு', 'dangerous_reading'],
    ['nanna oxygen enabhai rendu', 'dangerous_reading'],
    ['ಆಕ್ಸಿಜನ್ ಎಂಬತ್ತೈದು ತೋರಿಸ್ತಿದೆ', 'dangerous_reading'],
    ['মায়ের অক্সিজেন চুরাশি', 'dangerous_reading'],
    ['appooppan arthamillathe samsarikkunnu, pettennu thudangi', 'collapse'],
    ['കുഞ്ഞിന് 3 ആഴ്ച, പനി 38.4', 'infant'],
    ['kunjinu pani, dehathil chuvanna pulli, amarthiyittum maayunnilla', 'infant'],
    ['ಮಗುಗೆ ಜ್ವರ, ಕೆಂಪು ಚುಕ್ಕೆಗಳು ಒತ್ತಿದರೂ ಹೋಗ್ತಿಲ್ಲ', 'infant'],
    ['mama gaddi mandu taagesadu', 'poisoning'],
    ['বাচ্চার গলায় কয়েন আটকে গেছে', 'infant'],
    ['kuzhandhai thondaila kaasu sikkiduchu', 'infant'],
    ['ഏട്ടൻ ദേഷ്യത്തിൽ എലിവിഷം കഴിച്ചു', 'self_harm'],
    ['ಕೋಪದಲ್ಲಿ ಮಾತ್ರೆ ನುಂಗಿಬಿಟ್ಟ', 'self_harm'],
    ['ಕುದಿಯುವ ಎಣ್ಣೆ ಮಗುವಿನ ಕಾಲ ಮೇಲೆ ಚೆಲ್ಲಿತು', 'burns'],
    ['acid pore dadar mukh jolche', 'burns'],
    ['kadupulo bidda kadaladam ledu, 8 nela', 'abdominal_obstetric'],
    ['ಅಜ್ಜ ಬಿದ್ದು ತಲೆ ಒಡೆದು ಹೋಗಿದೆ', 'head_injury'],
    ['ஆத்தா பேசுறது புரியல, திடீர்னு ஆரம்பிச்சுது', 'stroke'],
    ['ಹೊಟ್ಟೆ ಕಲ್ಲಿನ ಹಾಗೆ ಗಟ್ಟಿ, ನೋವು ತಡೆಯೋಕೆ ಆಗ್ತಿಲ್ಲ', 'abdominal_obstetric'],
  ])('%s → %s', (msg, category) => expect(flags(msg)).toContain(category));

  it.each([
    'ফিট হলে কী করা উচিত, জানতে চাই',
    'সিনেমাতে নায়িকা অজ্ঞান হয়ে গেল',
    'padathula hero ku maaradaippu, semma scene',
    'valippu vandha enna pannanum?',
    'cinema lo hero ki gunde noppi vachindi',
    'ಯಾರಾದರೂ ಬಿದ್ದರೆ ಏನು ಮಾಡಬೇಕು?',
    'ആരെങ്കിലും വീണാൽ എന്ത് ചെയ്യണം?',
    'অচ্ছা, এক মাস ধরে কাশি আছে',
    'mukham karuthu poyi veyil kondu',
    'ദേഷ്യത്തിൽ ഭക്ഷണം കഴിച്ചില്ല',
    'ಮಗು ಹಾಲು ಕುಡಿದು ಮಲಗಿದೆ',
    'ಕೋಪದಲ್ಲಿ ಮಾತ್ರೆ ತಗೊಂಡಿಲ್ಲ',
    'papa ki vedi nune tho massage chesanu',
    'kaal vedana sahikkan pattunnilla',
    'kaalu noppi sahinchalekapotunna',
    'mandi novu sahisoke aagtilla',
    'ஆக்ஸிஜன் தொண்ணூற்றி எட்டு',
    'oxygen tombattu entu',
    'குழந்தைக்கு சுடு தண்ணில குளிப்பாட்டினேன்',
    'ദേഷ്യത്തിൽ ഗുളിക കഴിച്ചില്ല',
    'கோபத்துல மாத்திரை சாப்பிடல',
    'হিরো বিষ খেয়ে মরল, দারুণ সিনেমা',
  ])('no alarm: %s', (msg) => expect(flags(msg)).toEqual([]));
});

describe('triage: an accidental cut is bleeding, not self-harm (bn)', () => {
  it('names bleeding only', () => {
    expect(flags('ছুরিতে হাত কেটে গেছে, রক্ত থামছে না')).toEqual(['bleeding']);
    expect(flags('আমি নিজের হাত কেটে ফেলেছি')).toContain('self_harm');
  });
});
