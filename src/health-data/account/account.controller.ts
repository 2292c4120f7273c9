import { Controller, Delete, Get, Headers, HttpCode, Query, StreamableFile } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtraModels,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiPropertyOptional,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { CurrentUser, type AuthUser } from '../../common/decorators.js';
import { ApiErrors } from '../../common/swagger.js';
import { validationError } from '../../common/errors.js';
import { FhirExportService } from '../fhir/fhir-export.service.js';
import { FHIR_TYPES, type FhirType } from '../fhir/fhir-mapping.js';
import { IsDateTimeInput } from '../records/dto.js';
import { parseInstant } from '../records/time.js';
import { AccountService } from './account.service.js';
import { AccountExportDto } from './export.dto.js';

const TYPE = `(${FHIR_TYPES.join('|')})`;
/** A comma-separated list of resource types (the schema says exactly what is accepted). */
const TYPES_LIST = new RegExp(`^${TYPE}(,${TYPE})*$`);

export class ExportQuery {
  @ApiPropertyOptional({
    enum: ['json', 'fhir'],
    description:
      '`fhir`: FHIR R4 (a Bundle of type collection; with `Accept: application/fhir+ndjson`, one resource per line)',
  })
  @IsOptional()
  @IsIn(['json', 'fhir'])
  format?: 'json' | 'fhir';

  @ApiPropertyOptional({
    description: 'FHIR only: resources whose record changed at or after this instant (ISO-8601)',
    example: '2026-03-01T00:00:00+05:30',
  })
  @IsOptional()
  @IsDateTimeInput()
  since?: string;

  @ApiPropertyOptional({
    description: `FHIR only: comma-separated resource types (${FHIR_TYPES.join(', ')})`,
    example: 'Observation,MedicationStatement',
    pattern: TYPES_LIST.source,
  })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  @Matches(TYPES_LIST, { message: `types must be a comma-separated list of ${FHIR_TYPES.join(', ')}` })
  types?: string;
}

@ApiTags('auth')
@ApiBearerAuth()
@Controller('api/auth/me')
export class AccountController {
  constructor(
    private readonly account: AccountService,
    private readonly fhir: FhirExportService,
  ) {}

  @Delete()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Erase your account and every record of yours (replicas included); cannot be undone',
  })
  @ApiNoContentResponse({ description: 'Erased; the tokens stop working' })
  @ApiErrors()
  erase(@CurrentUser() user: AuthUser): Promise<void> {
    return this.account.erase(user.id);
  }

  @Get('export')
  @ApiOperation({
    summary:
      'All your data: one JSON document {exported_at, timezone, account, records[]}, or FHIR R4 with ?format=fhir',
    description:
      'FHIR: Patient, Condition, AllergyIntolerance, MedicationStatement, MedicationAdministration, Observation ' +
      '(LOINC + UCUM) and Appointment, with ids stable across exports (docs/fhir.md). Streamed.',
  })
  @ApiProduces('application/json', 'application/fhir+json', 'application/fhir+ndjson')
  @ApiOkResponse({
    description:
      'Streamed JSON (default; modules may add sections beside `records`, e.g. the care circle), a FHIR Bundle, or FHIR NDJSON',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(AccountExportDto) } },
      'application/fhir+json': {
        schema: {
          type: 'object',
          description: 'With format=fhir: a FHIR R4 Bundle of type collection (docs/fhir.md)',
          required: ['resourceType', 'type', 'entry'],
          properties: {
            resourceType: { type: 'string', enum: ['Bundle'] },
            type: { type: 'string', enum: ['collection'] },
            timestamp: { type: 'string', format: 'date-time' },
            entry: { type: 'array', items: { type: 'object', additionalProperties: true } },
          },
        },
      },
      'application/fhir+ndjson': {
        schema: {
          type: 'string',
          description: 'With format=fhir and that Accept: one FHIR resource per line',
        },
      },
    },
  })
  @ApiExtraModels(AccountExportDto)
  @ApiHeader({
    name: 'accept',
    required: false,
    description:
      'With `format=fhir`: `application/fhir+ndjson` for NDJSON (one resource per line), else a Bundle',
  })
  @ApiErrors(422)
  async export(
    @CurrentUser() user: AuthUser,
    @Query() q: ExportQuery,
    // All headers, not `@Headers('accept')`: a named header would be documented as a required parameter.
    @Headers() headers: Record<string, string | undefined>,
  ): Promise<StreamableFile> {
    const accept = headers.accept;
    if (q.format !== 'fhir') return this.account.export(user.id);
    let since: Date | undefined;
    if (q.since !== undefined) {
      const d = parseInstant(q.since, 'UTC');
      if (!d) throw validationError(['query', 'since'], 'since must be an ISO-8601 instant');
      since = d;
    }
    const types = q.types?.split(',') as FhirType[] | undefined;
    return this.fhir.stream(
      user.id,
      { name: user.name, email: user.email },
      {
        since,
        types,
        shape: accept?.includes('application/fhir+ndjson') ? 'ndjson' : 'bundle',
      },
    );
  }
}
