using Interop.Core.Known;

namespace Interop.Core.Synthetic;

/// <summary>
/// Every code the synthetic generator emits, in one place. Codes taken from the UK domain notes
/// (sections 2 and 6) are marked "domain notes"; the others are well-known SNOMED CT / LOINC codes
/// written from memory; dm+d ids that could not be checked against a dm+d release are marked
/// <b>illustrative</b>: they have the dm+d shape and the right display, but tests and demos must not
/// rely on them being the current VMP id.
/// </summary>
internal static class SyntheticCodeLists
{
    private static SyntheticCode Sct(string code, string display) => new(KnownSystems.Snomed, code, display);
    private static SyntheticCode Dmd(string code, string display) => new(KnownSystems.Dmd, code, display);
    private static SyntheticCode Loinc(string code, string display) => new(KnownSystems.Loinc, code, display);

    // ---- Security labels (v3 ActCode sensitivity, domain notes 3.2) ----
    public static readonly SyntheticCode Psy = new(KnownSystems.V3ActCode, "PSY", "psychiatry disorder information sensitivity");
    public static readonly SyntheticCode Std = new(KnownSystems.V3ActCode, "STD", "sexually transmitted disease information sensitivity");
    public static readonly SyntheticCode Sex = new(KnownSystems.V3ActCode, "SEX", "sexuality and reproductive health information sensitivity");
    public static readonly SyntheticCode Eth = new(KnownSystems.V3ActCode, "ETH", "substance abuse information sensitivity");
    public static readonly SyntheticCode Restricted = new(KnownSystems.V3Confidentiality, "R", "restricted");

    // ---- Medications (dm+d, system https://dmd.nhs.uk) ----
    public static readonly SyntheticMedication Salbutamol = new(Dmd("39113611000001102", "Salbutamol 100micrograms/dose inhaler CFC free"), "Two puffs when required", 1, "inhaler"); // domain notes
    public static readonly SyntheticMedication Amoxicillin = new(Dmd("39732411000001106", "Amoxicillin 500mg capsules"), "One capsule three times a day for 5 days", 15, "capsule"); // domain notes
    public static readonly SyntheticMedication Metformin = new(Dmd("42084911000001109", "Metformin 500mg tablets"), "One tablet twice a day with meals", 56, "tablet"); // domain notes (current vs legacy 325278007 unverified)
    public static readonly SyntheticMedication Beclometasone = new(Dmd("320246009", "Beclometasone 100micrograms/dose inhaler CFC free"), "Two puffs twice a day", 1, "inhaler"); // illustrative
    public static readonly SyntheticMedication Amlodipine = new(Dmd("319283006", "Amlodipine 5mg tablets"), "One tablet once a day", 28, "tablet"); // illustrative
    public static readonly SyntheticMedication Ramipril = new(Dmd("408051007", "Ramipril 5mg capsules"), "One capsule once a day", 28, "capsule"); // illustrative
    public static readonly SyntheticMedication Atorvastatin = new(Dmd("320000009", "Atorvastatin 20mg tablets"), "One tablet at night", 28, "tablet"); // illustrative
    public static readonly SyntheticMedication Tiotropium = new(Dmd("407925000", "Tiotropium 18microgram inhalation powder capsules"), "Inhale the contents of one capsule once a day", 30, "capsule"); // illustrative
    public static readonly SyntheticMedication Sertraline = new(Dmd("321964002", "Sertraline 50mg tablets"), "One tablet once a day", 28, "tablet"); // illustrative
    public static readonly SyntheticMedication Paracetamol = new(Dmd("322236009", "Paracetamol 500mg tablets"), "Two tablets up to four times a day when required", 100, "tablet"); // illustrative
    public static readonly SyntheticMedication Naproxen = new(Dmd("329714005", "Naproxen 250mg tablets"), "One tablet twice a day with food", 56, "tablet"); // illustrative
    public static readonly SyntheticMedication Apixaban = new(Dmd("703907006", "Apixaban 5mg tablets"), "One tablet twice a day", 56, "tablet"); // illustrative
    public static readonly SyntheticMedication Bisoprolol = new(Dmd("318590006", "Bisoprolol 2.5mg tablets"), "One tablet once a day", 28, "tablet"); // illustrative
    public static readonly SyntheticMedication Levothyroxine = new(Dmd("315921003", "Levothyroxine sodium 50microgram tablets"), "One tablet each morning", 28, "tablet"); // illustrative
    public static readonly SyntheticMedication Doxycycline = new(Dmd("324617008", "Doxycycline 100mg capsules"), "One capsule twice a day for 7 days", 14, "capsule"); // illustrative
    public static readonly SyntheticMedication Desogestrel = new(Dmd("9788111000001107", "Desogestrel 75microgram tablets"), "One tablet daily", 84, "tablet"); // illustrative
    public static readonly SyntheticMedication Nitrofurantoin = new(Dmd("317249006", "Nitrofurantoin 100mg modified-release capsules"), "One capsule twice a day for 3 days", 6, "capsule"); // illustrative
    public static readonly SyntheticMedication Thiamine = new(Dmd("330311008", "Thiamine 100mg tablets"), "One tablet three times a day", 84, "tablet"); // illustrative

    // ---- Lab panels (LOINC; UK units) ----
    public static readonly SyntheticLabTest TotalCholesterol = new(Loinc("14647-2", "Cholesterol [Moles/volume] in Serum or Plasma"), "mmol/L", "mmol/L", 5.0, 0.9, 1, null, 5.0);
    public static readonly SyntheticLabTest HdlCholesterol = new(Loinc("14646-4", "Cholesterol in HDL [Moles/volume] in Serum or Plasma"), "mmol/L", "mmol/L", 1.4, 0.3, 1, 1.0, null);
    public static readonly SyntheticLabTest LdlCholesterol = new(Loinc("22748-8", "Cholesterol in LDL [Moles/volume] in Serum or Plasma"), "mmol/L", "mmol/L", 3.0, 0.8, 1, null, 3.0);
    public static readonly SyntheticLabTest Triglycerides = new(Loinc("14927-8", "Triglyceride [Moles/volume] in Serum or Plasma"), "mmol/L", "mmol/L", 1.6, 0.5, 1, null, 1.7);
    public static readonly SyntheticLabTest Sodium = new(Loinc("2951-2", "Sodium [Moles/volume] in Serum or Plasma"), "mmol/L", "mmol/L", 139, 2.5, 0, 133, 146);
    public static readonly SyntheticLabTest Potassium = new(Loinc("2823-3", "Potassium [Moles/volume] in Serum or Plasma"), "mmol/L", "mmol/L", 4.3, 0.35, 1, 3.5, 5.3);
    public static readonly SyntheticLabTest Urea = new(Loinc("22664-7", "Urea [Moles/volume] in Serum or Plasma"), "mmol/L", "mmol/L", 5.5, 1.4, 1, 2.5, 7.8);
    public static readonly SyntheticLabTest Creatinine = new(Loinc("14682-9", "Creatinine [Moles/volume] in Serum or Plasma"), "umol/L", "umol/L", 80, 15, 0, 45, 110);
    public static readonly SyntheticLabTest Egfr = new(Loinc("62238-1", "Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in Serum, Plasma or Blood by Creatinine-based formula (CKD-EPI)"), "mL/min/1.73m2", "mL/min/{1.73_m2}", 82, 14, 0, 60, null);
    public static readonly SyntheticLabTest Haemoglobin = new(Loinc("718-7", "Hemoglobin [Mass/volume] in Blood"), "g/L", "g/L", 138, 12, 0, 115, 165);
    public static readonly SyntheticLabTest WhiteCells = new(Loinc("6690-2", "Leukocytes [#/volume] in Blood by Automated count"), "10*9/L", "10*9/L", 7.0, 1.6, 1, 4.0, 11.0);
    public static readonly SyntheticLabTest Platelets = new(Loinc("777-3", "Platelets [#/volume] in Blood by Automated count"), "10*9/L", "10*9/L", 260, 50, 0, 150, 400);
    public static readonly SyntheticLabTest Hba1c = new(Loinc("59261-8", "Hemoglobin A1c/Hemoglobin.total in Blood by IFCC protocol"), "mmol/mol", "mmol/mol", 56, 9, 0, 20, 41);
    public static readonly SyntheticLabTest Tsh = new(Loinc("3016-3", "Thyrotropin [Units/volume] in Serum or Plasma"), "mU/L", "m[IU]/L", 2.2, 0.9, 2, 0.35, 5.5);

    public static readonly SyntheticLabPanel LipidPanel = new(Loinc("57698-3", "Lipid panel with direct LDL - Serum or Plasma"), [TotalCholesterol, HdlCholesterol, LdlCholesterol, Triglycerides]);
    public static readonly SyntheticLabPanel RenalPanel = new(Loinc("51990-0", "Basic metabolic panel - Blood"), [Sodium, Potassium, Urea, Creatinine, Egfr]);
    public static readonly SyntheticLabPanel FullBloodCount = new(Loinc("58410-2", "Complete blood count (hemogram) panel - Blood by Automated count"), [Haemoglobin, WhiteCells, Platelets]);
    public static readonly SyntheticLabPanel Hba1cPanel = new(Hba1c.Code, [Hba1c]);
    public static readonly SyntheticLabPanel ThyroidPanel = new(Tsh.Code, [Tsh]);

    // ---- Vital signs (LOINC, the FHIR R4 vital-signs profile codes, section 6.2.1.9 of Observation) ----
    public static readonly SyntheticCode BloodPressurePanel = Loinc("85354-9", "Blood pressure panel with all children optional");
    public static readonly SyntheticCode Systolic = Loinc("8480-6", "Systolic blood pressure");
    public static readonly SyntheticCode Diastolic = Loinc("8462-4", "Diastolic blood pressure");
    public static readonly SyntheticCode HeartRate = Loinc("8867-4", "Heart rate");
    public static readonly SyntheticCode RespiratoryRate = Loinc("9279-1", "Respiratory rate");
    public static readonly SyntheticCode OxygenSaturation = Loinc("59408-5", "Oxygen saturation in Arterial blood by Pulse oximetry");
    public static readonly SyntheticCode BodyTemperature = Loinc("8310-5", "Body temperature");
    public static readonly SyntheticCode BodyWeight = Loinc("29463-7", "Body weight");
    public static readonly SyntheticCode BodyHeight = Loinc("8302-2", "Body height");
    public static readonly SyntheticCode BodyMassIndex = Loinc("39156-5", "Body mass index (BMI) [Ratio]");
    public static readonly SyntheticCode TobaccoSmokingStatus = Loinc("72166-2", "Tobacco smoking status");
    public static readonly SyntheticCode NeverSmoked = Sct("266919005", "Never smoked tobacco");
    public static readonly SyntheticCode ExSmoker = Sct("8517006", "Ex-smoker");
    public static readonly SyntheticCode CurrentSmoker = Sct("77176002", "Smoker");

    // ---- Encounter types (SNOMED) ----
    public static readonly SyntheticCode GpConsultation = Sct("185345009", "Encounter for symptom");
    public static readonly SyntheticCode GpReview = Sct("390906007", "Follow-up encounter");
    public static readonly SyntheticCode GpCheckUp = Sct("185349003", "Encounter for check up");
    public static readonly SyntheticCode EmergencyVisit = Sct("4525004", "Emergency department patient visit");
    public static readonly SyntheticCode HospitalAdmission = Sct("32485007", "Hospital admission");

    // ---- Chronic conditions (problem-list-item) ----
    public static readonly IReadOnlyList<SyntheticChronicCondition> ChronicConditions =
    [
        new(Sct("195967001", "Asthma"), 3, 0.09, 1.0, [Salbutamol, Beclometasone], [], Sct("270442000", "Asthma monitoring check done"), null, 0), // domain notes
        new(Sct("44054006", "Diabetes mellitus type 2"), 35, 0.11, 0.9, [Metformin, Atorvastatin], [Hba1cPanel, LipidPanel, RenalPanel], Sct("401191002", "Diabetic foot examination"), null, 0), // domain notes
        new(Sct("38341003", "Hypertensive disorder, systemic arterial"), 35, 0.22, 1.0, [Amlodipine, Ramipril], [RenalPanel], null, null, 0), // domain notes
        new(Sct("13645005", "Chronic obstructive lung disease"), 45, 0.07, 0.9, [Tiotropium, Salbutamol], [FullBloodCount], Sct("127783003", "Spirometry"), null, 0),
        new(Sct("35489007", "Depressive disorder"), 16, 0.10, 1.4, [Sertraline], [], Sct("171207006", "Depression screening"), Psy, 0.6),
        new(Sct("197480006", "Anxiety disorder"), 16, 0.06, 1.5, [], [], null, Psy, 0.4),
        new(Sct("396275006", "Osteoarthritis"), 50, 0.16, 1.3, [Paracetamol, Naproxen], [], null, null, 0),
        new(Sct("49436004", "Atrial fibrillation"), 60, 0.07, 0.8, [Apixaban, Bisoprolol], [RenalPanel, FullBloodCount], null, null, 0),
        new(Sct("40930008", "Hypothyroidism"), 25, 0.03, 3.0, [Levothyroxine], [ThyroidPanel], null, null, 0),
        new(Sct("55822004", "Hyperlipidemia"), 40, 0.10, 1.0, [Atorvastatin], [LipidPanel], null, null, 0),
        new(Sct("7200002", "Alcoholism"), 18, 0.02, 0.5, [Thiamine], [RenalPanel], null, Eth, 1.0),
    ];

    // ---- Acute problems seen in general practice (encounter-diagnosis, resolved) ----
    public static readonly IReadOnlyList<SyntheticAcuteProblem> GpAcuteProblems =
    [
        new(Sct("54150009", "Upper respiratory infection"), null),
        new(Sct("10509002", "Acute bronchitis"), Amoxicillin),
        new(Sct("36971009", "Sinusitis"), Amoxicillin),
        new(Sct("195662009", "Acute viral pharyngitis"), null),
        new(Sct("65363002", "Otitis media"), Amoxicillin),
        new(Sct("68566005", "Urinary tract infectious disease"), Nitrofurantoin),
        new(Sct("279039007", "Low back pain"), Paracetamol),
        new(Sct("9826008", "Conjunctivitis"), null),
    ];

    // ---- Emergency department diagnoses ----
    public static readonly IReadOnlyList<SyntheticAcuteProblem> EmergencyProblems =
    [
        new(Sct("44465007", "Sprain of ankle"), Paracetamol),
        new(Sct("65966004", "Fracture of forearm"), Paracetamol),
        new(Sct("29857009", "Chest pain"), null),
        new(Sct("82271004", "Injury of head"), null),
        new(Sct("284551006", "Laceration of foot"), null),
    ];

    public static readonly SyntheticCode ChestXray = Sct("399208008", "Plain chest X-ray");
    public static readonly SyntheticCode SutureOfWound = Sct("288086009", "Suture open wound");
    public static readonly SyntheticCode Pneumonia = Sct("233604007", "Pneumonia");
    public static readonly SyntheticCode HipReplacement = Sct("52734007", "Total replacement of hip");
    public static readonly SyntheticCode KneeReplacement = Sct("609588000", "Total knee replacement");
    public static readonly SyntheticCode CoronaryAngiography = Sct("33367005", "Angiography of coronary artery");
    public static readonly SyntheticCode MedicationReview = Sct("430193006", "Medication reconciliation");

    // ---- Sexual health (labelled STD / SEX) ----
    public static readonly SyntheticCode Chlamydia = Sct("105629000", "Chlamydial infection");
    public static readonly SyntheticCode ContraceptiveImplant = Sct("169553002", "Insertion of subcutaneous contraceptive");

    // ---- Allergies ----
    public static readonly SyntheticCode NoKnownDrugAllergy = Sct("409137002", "No known drug allergy"); // domain notes
    public static readonly SyntheticCode PenicillinAllergy = Sct("91936005", "Allergy to penicillin"); // domain notes
    public static readonly SyntheticCode PenicillinSubstance = Sct("890458001", "Penicillin-containing product"); // domain notes
    public static readonly SyntheticCode PeanutAllergy = Sct("91935009", "Allergy to peanut");
    public static readonly SyntheticCode LatexAllergy = Sct("300916003", "Latex allergy");
    public static readonly SyntheticCode HouseDustMiteAllergy = Sct("232350006", "House dust mite allergy");
    public static readonly SyntheticCode Urticaria = Sct("126485001", "Urticaria");
    public static readonly SyntheticCode Wheeze = Sct("56018004", "Wheezing");

    // ---- Immunisations (SNOMED vaccine products, UK Core VaccineCode binding) ----
    public static readonly SyntheticCode InfluenzaVaccine = Sct("1181000221105", "Influenza virus antigen only vaccine product");
    public static readonly SyntheticCode CovidVaccine = Sct("1119349007", "SARS-CoV-2 mRNA vaccine product");
    public static readonly SyntheticCode MmrVaccine = Sct("871831003", "Measles and mumps and rubella virus antigens only vaccine product");
}
