import { describe, expect, it } from 'vitest';
import {
  extractDoseTaken,
  extractExercise,
  extractQuestion,
  extractReminder,
  extractWater,
  foodDescription,
  mealTypeOf,
} from '../../../src/chat/pipeline/entities.js';
import { classifyIntent } from '../../../src/chat/pipeline/intent.js';
import { detectStyle, normalise } from '../../../src/chat/pipeline/normalise.js';
import { safetyReply, triage } from '../../../src/chat/triage/index.js';
import { extractVitals } from '../../../src/chat/pipeline/vitals.js';

const n = (s: string): string => normalise(s).text;

describe('normalise', () => {
  it.each([
    ['Um, I drank 2 glasses of water.', 'i drank 2 glass of water.'],
    ['do glass pani piya', '2 glass pani piya'],
    ['दो गिलास पानी पिया', '2 glass पानी पिया'],
    ['मेरा वजन ७२ किलो है', 'मेरा वजन 72 kg है'],
    ['500ml paani', '500 ml paani'],
    ['acha toh maine dawai le li', 'maine dawai le li'],
    ['temperature 99.5°F', 'temperature 99.5 f'],
    ['remind me to walk at six pm', 'remind me to walk at 6 pm'],
    ['I had a glass of milk', 'i had 1 glass of milk'],
    ['आधा लीटर पानी', '0.5 litre पानी'],
    ['teen roti   khayi', '3 roti khayi'],
  ])('%s → %s', (input, out) => expect(n(input)).toBe(out));

  it('keeps meaning words that are fillers only at the start', () => {
    expect(n("I'm not feeling well")).toBe("i'm not feeling well");
    expect(n('So what should I eat?')).toBe('what should i eat?');
  });

  it('does not turn the verb "do" into a number', () => {
    expect(n('Do I have any medicine due?')).toBe('do i have any medicine due?');
  });

  it('detects the language style', () => {
    expect(detectStyle('मैंने दवाई ले ली')).toBe('hi');
    expect(detectStyle('maine dawai le li')).toBe('hinglish');
    expect(detectStyle('500 ml paani piya')).toBe('hinglish');
    expect(detectStyle('I took my medicine')).toBe('en');
    expect(detectStyle('Had tea with 2 marie biscuits')).toBe('en');
  });
});

describe('vitals', () => {
  it('reads BP, pulse, sugar, weight, temperature (°F → °C) and SpO2', () => {
    expect(extractVitals(n('BP 140/90 pulse 82'))).toMatchObject({
      blood_pressure_systolic: 140,
      blood_pressure_diastolic: 90,
      heart_rate: 82,
    });
    expect(extractVitals(n('sugar 110 fasting'))).toMatchObject({
      blood_sugar: 110,
      sugar_context: 'fasting',
    });
    expect(extractVitals(n('weight 72 kg'))).toMatchObject({ weight_kg: 72 });
    expect(extractVitals(n('temperature 99.5F'))).toMatchObject({ temperature: 37.5 });
    expect(extractVitals(n('temp 38.2 c'))).toMatchObject({ temperature: 38.2 });
    expect(extractVitals(n('spo2 96'))).toMatchObject({ spo2: 96 });
    expect(extractVitals(n('बीपी १४०/९० है'))).toMatchObject({
      blood_pressure_systolic: 140,
      blood_pressure_diastolic: 90,
    });
    expect(extractVitals(n('Pressure today 135 over 85'))).toMatchObject({
      blood_pressure_systolic: 135,
      blood_pressure_diastolic: 85,
    });
  });

  it('does not read durations or amounts as sugar values', () => {
    expect(extractVitals(n('mujhe 15 saal se sugar hai')).blood_sugar).toBeUndefined();
    expect(extractVitals(n('sugar 2 spoon in tea')).blood_sugar).toBeUndefined();
  });
});

describe('triage', () => {
  const flags = (s: string): string[] => triage(s).flags;
  it.each([
    ['I have chest pain', 'chest_pain'],
    ['सीने में दर्द हो रहा है', 'chest_pain'],
    ['seene mein dard ho raha hai', 'chest_pain'],
    ['his face is drooping', 'stroke'],
    ['मां का मुँह टेढ़ा हो गया', 'stroke'],
    ['papa ki zuban ladkhada rahi hai', 'stroke'],
    ["I can't breathe", 'breathing'],
    ['सांस नहीं आ रही', 'breathing'],
    ['she fainted', 'collapse'],
    ['dadi behosh ho gayi', 'collapse'],
    ["bleeding won't stop", 'bleeding'],
    ['I want to kill myself', 'self_harm'],
    ['मैं मरना चाहता हूँ', 'self_harm'],
    ['मुझे मरना है', 'self_harm'],
    ['sugar 450', 'dangerous_reading'],
    ['sugar 40', 'dangerous_reading'],
    ['BP 200/120', 'dangerous_reading'],
    ['spo2 85', 'dangerous_reading'],
  ])('%s → %s', (msg, flag) => expect(flags(msg)).toContain(flag));

  it.each([
    'no chest pain today',
    'my father had a stroke last year, what should he eat',
    'pain in knee',
    'seene mein koi dard nahi hai',
    'सीने में दर्द नहीं है',
    'what are the warning signs of a heart attack?',
    'what is my heart attack risk?',
    'breathing exercises for better lungs',
    'sugar 140 after lunch',
    'BP 130/85',
    'mujhe 20 saal se sugar hai',
    'pehle seene mein dard tha, ab theek hoon',
    "I don't want to die, I want to get healthy",
  ])('no alarm: %s', (msg) => expect(flags(msg)).toEqual([]));

  it('raises an alarm for a current event even when another clause mentions history', () => {
    expect(flags('he had a stroke last year and now his face is drooping')).toContain('stroke');
  });

  it('safety reply names 112, the contact, the alert, and never a dose', () => {
    const r = triage('chest pain');
    const en = safetyReply(r, { name: 'Asha', phone: '+919800000000', relationship: 'daughter' });
    expect(en).toContain('112');
    expect(en).toContain('Asha (daughter), +919800000000');
    expect(en).toMatch(/Emergency alert/);
    expect(en).not.toMatch(/\bmg\b|tablet|aspirin|dose/i);
    const hi = safetyReply(triage('सीने में दर्द'), null);
    expect(hi).toContain('112');
    expect(hi).toMatch(/[\u0900-\u097F]/);
    expect(safetyReply(triage('I want to end my life'), null)).toContain('14416');
  });
});

describe('intent', () => {
  it.each([
    ['I drank 2 glasses of water', 'food_tracking'],
    ['took my metformin', 'medication'],
    ['BP 140/90 pulse 82', 'health_query'],
    ['what should I eat for dinner', 'recommendation'],
    ['remind me to walk at 6 pm', 'reminder'],
    ['hello', 'general_chat'],
    ['How much water have I had today?', 'health_query'],
  ])('%s → %s', (msg, intent) => expect(classifyIntent(n(msg))).toBe(intent));
});

describe('entities', () => {
  it('water amounts in glasses, ml, litres, cups', () => {
    expect(extractWater(n('I drank 2 glasses of water'))).toEqual({ amount_ml: 500 });
    expect(extractWater(n('500 ml paani piya'))).toEqual({ amount_ml: 500 });
    expect(extractWater(n('do glass pani'))).toEqual({ amount_ml: 500 });
    expect(extractWater(n('दो गिलास पानी पिया'))).toEqual({ amount_ml: 500 });
    expect(extractWater(n('aadha litre paani'))).toEqual({ amount_ml: 500 });
    expect(extractWater(n('drank some water'))).toBeNull();
    expect(extractWater(n('2 cups of tea'))).toBeNull();
  });

  it('food: meal type and description', () => {
    expect(mealTypeOf(n('breakfast: 2 roti and dal'), 14)).toBe('breakfast');
    expect(foodDescription('breakfast: 2 roti and dal')).toBe('2 roti and dal');
    expect(foodDescription('Had oats with milk for breakfast')).toBe('oats with milk');
    expect(foodDescription('Dinner was khichdi with papad')).toBe('khichdi with papad');
    expect(mealTypeOf(n('ate an apple'), 8)).toBe('breakfast');
    expect(mealTypeOf(n('ate an apple'), 20)).toBe('dinner');
    expect(mealTypeOf(n('lunch mein dal chawal'), 20)).toBe('lunch');
  });

  it('dose taken: named medicine or the dose due now; questions and misses are not doses', () => {
    expect(extractDoseTaken(n('took my metformin'), ['Metformin', 'Amlodipine'])).toEqual({
      names: ['Metformin'],
    });
    expect(extractDoseTaken(n('maine dawai le li'), ['Metformin'])).toEqual({ names: [] });
    expect(extractDoseTaken(n('मैंने दवाई ले ली'), [])).toEqual({ names: [] });
    expect(extractDoseTaken(n('did I take my BP medicine today?'), [])).toBeNull();
    expect(extractDoseTaken(n('I skipped the night insulin'), [])).toBeNull();
    expect(extractDoseTaken(n('did I take my BP medicine today'), [])).toBeNull();
    expect(extractDoseTaken(n('BP ki dawai li ya nahi maine aaj'), [])).toBeNull();
    expect(extractDoseTaken(n('kya maine subah ki goli le li'), [])).toBeNull();
    expect(extractDoseTaken(n('I have taken my morning tablets'), [])).toEqual({ names: [] });
    expect(extractDoseTaken(n('Gave mom her blood pressure pill'), [])).toEqual({ names: [] });
  });

  it('reminders: time in 24 h, kind, days, title', () => {
    expect(extractReminder(n('remind me to walk at 6 pm'), 'remind me to walk at 6 pm')).toEqual({
      time: '18:00',
      kind: 'other',
      title: 'Walk',
      days: null,
    });
    expect(extractReminder(n('Set an alarm for my insulin at 8 am every day'), 'x')).toMatchObject({
      time: '08:00',
      kind: 'medication',
      days: null,
    });
    expect(extractReminder(n('shaam 6 baje walk ki yaad dila dena'), 'x').time).toBe('18:00');
    expect(extractReminder(n('सुबह 7 बजे दवाई का अलार्म लगा दो'), 'x')).toMatchObject({
      time: '07:00',
      kind: 'medication',
    });
    expect(extractReminder(n('raat 10 baje'), 'x').time).toBe('22:00');
    expect(extractReminder(n('wake me up at 5:30 tomorrow for yoga'), 'x')).toMatchObject({
      time: '05:30',
      kind: 'meditation',
      days: 'tomorrow',
    });
    expect(extractReminder(n('remind me on mondays at 9'), 'x')).toMatchObject({
      time: '09:00',
      days: ['mon'],
    });
    expect(extractReminder(n('Remind me to drink water every two hours'), 'x').time).toBeNull();
  });

  it('exercise: activity and duration, in minutes', () => {
    for (const [said, exercise_type, duration_minutes] of [
      ['I walked for 30 minutes this morning', 'walking', 30],
      ['aadha ghanta yoga kiya', 'yoga', 30],
      ['सुबह 40 मिनट टहला', 'walking', 40],
    ] as const)
      expect(extractExercise(n(said)), said).toEqual({ exercise_type, duration_minutes, intensity: 'low' });
    expect(extractExercise(n('did 1 hour of cycling'))).toMatchObject({
      exercise_type: 'cycling',
      duration_minutes: 60,
    });
    expect(extractExercise(n('I walked to the market'))).toBeNull();
    expect(classifyIntent(n('walked 30 minutes in the park'))).toBe('health_query');
    expect(classifyIntent(n('remind me to walk for 30 minutes at 6 pm'))).toBe('reminder');
    expect(classifyIntent(n('suggest a 20 minute exercise for my back'))).toBe('recommendation');
  });

  it('questions about records', () => {
    expect(extractQuestion(n('What was my last BP reading?'))).toEqual({
      kind: 'last_vital',
      field: 'blood_pressure',
    });
    expect(extractQuestion(n('How much water have I had today?'))).toEqual({ kind: 'water_today' });
    expect(extractQuestion(n('आज मैंने कितना पानी पिया?'))).toEqual({ kind: 'water_today' });
    expect(extractQuestion(n('When is my next doctor appointment?'))).toEqual({ kind: 'next_appointment' });
    expect(extractQuestion(n('Which medicines do I still need to take today?'))).toEqual({
      kind: 'medicines_today',
    });
    expect(extractQuestion(n('aaj ki kaun si dawai baaki hai?'))).toEqual({ kind: 'medicines_today' });
    expect(extractQuestion(n('How has my sugar been this week?'))).toEqual({
      kind: 'week_trend',
      field: 'blood_sugar',
    });
    expect(extractQuestion(n('mera last bp kitna tha?'))).toEqual({
      kind: 'last_vital',
      field: 'blood_pressure',
    });
  });
});

describe('hostile input', () => {
  it('a 4000-character message is routed quickly and a red flag at its end is still found', () => {
    const story = 'aaj subah uthkar maine chai pi aur phir thoda tahalne gaya tha '.repeat(60);
    const t0 = performance.now();
    const r = triage(n(`${story} ab seene mein bahut dard ho raha hai`));
    classifyIntent(n('x'.repeat(4000)));
    triage(n(' '.repeat(3999) + 'x'));
    expect(r.flags).toContain('chest_pain');
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
