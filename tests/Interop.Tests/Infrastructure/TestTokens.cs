using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace Interop.Tests.Infrastructure;

/// <summary>Signed (and deliberately broken) access tokens for the test gateway.</summary>
public static class TestTokens
{
    public const string Issuer = "https://interop.example/test";
    public const string Audience = "interop-test";
    public const string SigningKey = "test-signing-key-that-is-long-enough-0123456789";
    public const string AdminOrganization = "INTEROP";

    public static string Administrator() => Create(AdminOrganization, "system", "system/*.cruds");

    public static string Create(string org, string role, string scope, string? patient = null, string? purpose = null,
        string issuer = Issuer, string audience = Audience, string key = SigningKey, DateTime? expires = null, DateTime? notBefore = null, string? sub = "test-user")
    {
        var claims = new List<Claim>
        {
            new("jti", Guid.NewGuid().ToString()),
            new("org", org),
            new("role", role),
            new("scope", scope),
            new("name", $"Test {role}"),
        };
        if (sub is not null) claims.Add(new Claim("sub", sub));
        if (patient is not null) claims.Add(new Claim("patient", patient));
        if (purpose is not null) claims.Add(new Claim("purpose_of_use", purpose));
        var credentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256);
        var now = DateTime.UtcNow;
        var token = new JwtSecurityToken(issuer, audience, claims, notBefore ?? now.AddMinutes(-1), expires ?? now.AddMinutes(30), credentials);
        return new JwtSecurityTokenHandler().WriteToken(token);
    }

    /// <summary>An unsigned token (<c>alg: none</c>), as GP Connect consumers send: must be refused.</summary>
    public static string Unsigned(string org = AdminOrganization)
    {
        static string B64(string s) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(s));
        var exp = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds();
        var header = B64("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        var payload = B64($"{{\"iss\":\"{Issuer}\",\"aud\":\"{Audience}\",\"sub\":\"x\",\"org\":\"{org}\",\"role\":\"system\",\"scope\":\"system/*.cruds\",\"exp\":{exp}}}");
        return $"{header}.{payload}.";
    }

    /// <summary>A validly signed token whose payload was altered afterwards.</summary>
    public static string Tampered()
    {
        var parts = Create("RBQ", "clinician", "user/*.rs").Split('.');
        var payload = Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])).Replace("user/*.rs", "system/*.cruds");
        return $"{parts[0]}.{Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(payload))}.{parts[2]}";
    }
}
