namespace Interop.Adapters.Council;

/// <summary>
/// One of the ten outcomes of the Care and Support (Eligibility Criteria) Regulations 2015
/// (SI 2015/313) reg 2(2). <see cref="Code"/> is the code in
/// <see cref="Interop.Core.Known.KnownSystems.CareActEligibilityOutcome"/> and also the stem of the
/// format's column names (<c>outcome{Column}</c>, <c>outcome{Column}Note</c>).
/// </summary>
public sealed record EligibilityOutcome(string Letter, string Code, string Column, string Display)
{
    /// <summary>The ten outcomes, in the order of reg 2(2)(a) to (j).</summary>
    public static IReadOnlyList<EligibilityOutcome> All { get; } =
    [
        new("a", "nutrition", "Nutrition", "Managing and maintaining nutrition"),
        new("b", "personal-hygiene", "PersonalHygiene", "Maintaining personal hygiene"),
        new("c", "toilet-needs", "ToiletNeeds", "Managing toilet needs"),
        new("d", "appropriately-clothed", "AppropriatelyClothed", "Being appropriately clothed"),
        new("e", "home-safety", "HomeSafety", "Being able to make use of the home safely"),
        new("f", "habitable-home", "HabitableHome", "Maintaining a habitable home environment"),
        new("g", "relationships", "Relationships", "Developing and maintaining family or other personal relationships"),
        new("h", "work-education-volunteering", "WorkEducationVolunteering", "Accessing and engaging in work, training, education or volunteering"),
        new("i", "community-facilities", "CommunityFacilities", "Making use of necessary facilities or services in the local community including public transport and recreational facilities"),
        new("j", "caring-for-child", "CaringForChild", "Carrying out any caring responsibilities the adult has for a child"),
    ];

    /// <summary>Column holding yes/no: is the person unable to achieve this outcome?</summary>
    public string UnableColumn => "outcome" + Column;

    /// <summary>Column holding the assessor's free-text note on this outcome.</summary>
    public string NoteColumn => "outcome" + Column + "Note";
}
