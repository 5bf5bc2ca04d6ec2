namespace Interop.Core.Synthetic;

/// <summary>
/// Names, streets and postcode parts for synthetic Merseyside residents. Common UK given names and
/// surnames (including the Irish and Welsh names frequent in Liverpool and the city's larger minority
/// communities); none is taken from a real record.
/// </summary>
internal static class SyntheticDemographicLists
{
    public static readonly IReadOnlyList<string> FemaleGivenNames =
    [
        "Olivia", "Amelia", "Isla", "Ava", "Mia", "Ivy", "Lily", "Isabella", "Rosie", "Sophia",
        "Grace", "Freya", "Evie", "Ella", "Emily", "Poppy", "Chloe", "Jessica", "Sophie", "Ruby",
        "Sarah", "Emma", "Laura", "Rachel", "Claire", "Gemma", "Nicola", "Joanne", "Lisa", "Karen",
        "Susan", "Margaret", "Patricia", "Linda", "Barbara", "Jean", "Pauline", "Maureen", "Sheila", "Doreen",
        "Aisha", "Fatima", "Maryam", "Priya", "Mei", "Chidinma", "Zofia", "Siobhan", "Niamh", "Bethan",
    ];

    public static readonly IReadOnlyList<string> MaleGivenNames =
    [
        "Oliver", "George", "Noah", "Arthur", "Leo", "Harry", "Oscar", "Jack", "Charlie", "Freddie",
        "Thomas", "James", "William", "Joshua", "Daniel", "Samuel", "Joseph", "Ryan", "Liam", "Connor",
        "David", "Paul", "Mark", "Steven", "Andrew", "Michael", "Christopher", "Anthony", "Kevin", "Gary",
        "John", "Peter", "Robert", "Brian", "Kenneth", "Raymond", "Terence", "Dennis", "Frank", "Ronald",
        "Mohammed", "Ahmed", "Yusuf", "Arjun", "Wei", "Chinedu", "Kwame", "Piotr", "Sean", "Rhys",
    ];

    public static readonly IReadOnlyList<string> FamilyNames =
    [
        "Jones", "Smith", "Williams", "Roberts", "Hughes", "Davies", "Evans", "Taylor", "Brown", "Wilson",
        "Murphy", "Kelly", "O'Brien", "Walsh", "McCarthy", "Ryan", "Doyle", "Byrne", "Quinn", "Flanagan",
        "Thompson", "Wright", "Walker", "White", "Hall", "Green", "Harris", "Clarke", "Jackson", "Wood",
        "Turner", "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Lee", "King", "Baker",
        "Harrison", "Morgan", "Allen", "James", "Scott", "Phillips", "Watson", "Parker", "Price", "Bennett",
        "Young", "Griffiths", "Mitchell", "Cook", "Carter", "Bailey", "Collins", "Bell", "Shaw", "Murray",
        "Begum", "Khan", "Ahmed", "Ali", "Hussain", "Patel", "Chen", "Wong", "Okafor", "Adeyemi",
        "Mensah", "Nowak", "Kowalski", "Rahman", "Gallagher", "McDonald", "Fitzgerald", "Lloyd", "Owen", "Pritchard",
    ];

    public static readonly IReadOnlyList<string> Streets =
    [
        "Bold Street", "Lord Street", "Smithdown Road", "Allerton Road", "Lodge Lane", "Park Road",
        "Scotland Road", "Queens Drive", "Aigburth Road", "Picton Road", "Edge Lane", "West Derby Road",
        "Walton Road", "County Road", "Breck Road", "Rice Lane", "Longmoor Lane", "Utting Avenue",
        "Menlove Avenue", "Mather Avenue", "Penny Lane", "Church Road", "Woolton Road", "Prescot Road",
        "Townsend Lane", "Sheil Road", "Lark Lane", "Rose Lane", "Heyworth Street", "Granby Street",
        "Kirkdale Road", "Stanley Road", "Muirhead Avenue", "Eaton Road", "Childwall Valley Road", "Hale Road",
        "Speke Road", "Booker Avenue", "Dovedale Road", "Ullet Road",
    ];

    /// <summary>Inward-code letters: the Royal Mail never uses C, I, K, M, O or V in the last two positions.</summary>
    public const string InwardLetters = "ABDEFGHJLNPQRSTUWXYZ";

    /// <summary>Liverpool postcode districts L1 to L36 (central and south Merseyside).</summary>
    public const int LastPostcodeDistrict = 36;
}
