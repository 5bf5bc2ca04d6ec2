using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Interop.Core.Access;
using Microsoft.IdentityModel.Tokens;

namespace Interop.Benchmarks.Harness;

/// <summary>
/// HS256 tokens for the gateway the harness starts, signed with a key made for this run and passed
/// to the gateway as Auth:SigningKey. Claims as the gateway's development token issuer writes them.
/// </summary>
public sealed class BenchTokens
{
    public const string Issuer = "https://interop.example/bench";
    public const string Audience = "interop-bench";
    public const string OperatorOrganization = "INTEROP";

    /// <summary>The hospital trust (one of the synthetic organisations) whose clinician reads and searches.</summary>
    public const string HospitalOrganization = "RBQ";

    public string SigningKey { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));

    /// <summary>The operator's own system token: may do everything and registers organisations.</summary>
    public string Operator() => Create(OperatorOrganization, "system", "system/*.cruds");

    /// <summary>A hospital clinician with the given SMART scopes, purpose of use treatment.</summary>
    public string Clinician(string scope) => Create(HospitalOrganization, "clinician", scope);

    /// <summary>The hospital trust's EHR integration: a system token of the trust with the given scopes.</summary>
    public string HospitalSystem(string scope) => Create(HospitalOrganization, "system", scope);

    /// <summary>A patient's own app (SMART <c>patient/*.rs</c>), through the hospital trust's patient portal.</summary>
    public string Patient(string patientId) => Create(HospitalOrganization, "patient", "patient/*.rs", patientId);

    private string Create(string org, string role, string scope, string? patient = null)
    {
        var claims = new List<Claim>
        {
            new("sub", $"{role}@{org}"),
            new("jti", Guid.NewGuid().ToString()),
            new("org", org),
            new("role", role),
            new("scope", scope),
            new("purpose_of_use", PurposeOfUse.Treatment),
            new("name", $"Benchmark {role} ({org})"),
        };
        if (patient is not null) claims.Add(new Claim("patient", patient));
        var credentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(SigningKey)), SecurityAlgorithms.HmacSha256);
        var now = DateTime.UtcNow;
        var token = new JwtSecurityToken(Issuer, Audience, claims, now.AddSeconds(-5), now.AddHours(4), credentials);
        return new JwtSecurityTokenHandler().WriteToken(token);
    }
}
