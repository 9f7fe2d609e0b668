import {
  createImport,
  exportCsv,
  type Import,
  type ImportableField,
  importableFields,
  type LawfulBasis,
  lawfulBases,
  type Me,
} from '@custodian/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { api } from '../api.js';
import { mayCall } from '../privacy/PrivacyDesk.js';
import { FieldError, FormError, LoadError } from '../ui/errors.js';
import { Field } from '../ui/field.js';
import { PageHeading } from '../ui/page-heading.js';
import './imports.css';

export const mayImport = (me: Me): boolean => mayCall(me, createImport);
export const mayExport = (me: Me): boolean => mayCall(me, exportCsv);

const fieldLabels: Record<ImportableField, string> = {
  firstName: 'First name',
  lastName: 'Last name',
  email: 'E-mail',
  email2: 'Second e-mail',
  phone: 'Phone',
  phone2: 'Second phone',
  jobTitle: 'Job title',
  street: 'Street',
  postalCode: 'Postal code',
  city: 'City',
  region: 'Region',
  country: 'Country',
  dateOfBirth: 'Date of birth',
  lifecycleStage: 'Lifecycle stage',
  tags: 'Tags',
};

const basisLabels: Record<LawfulBasis, string> = {
  consent: 'Consent (Art. 6(1)(a))',
  contract: 'Contract (Art. 6(1)(b))',
  legal_obligation: 'Legal obligation (Art. 6(1)(c))',
  vital_interests: 'Vital interests (Art. 6(1)(d))',
  public_task: 'Public task (Art. 6(1)(e))',
  legitimate_interests: 'Legitimate interests (Art. 6(1)(f))',
};

/** The header row of a CSV text: the first record, with quoted cells ("a, b" and "" for a quote). */
export function headerRow(text: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  const src = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell.trim());
      cell = '';
    } else if (c === '\n' || c === '\r') break;
    else cell += c;
  }
  cells.push(cell.trim());
  return cells.filter((c) => c !== '');
}

const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
const aliases: Record<string, ImportableField> = {
  mail: 'email',
  emailaddress: 'email',
  forename: 'firstName',
  givenname: 'firstName',
  surname: 'lastName',
  familyname: 'lastName',
  telephone: 'phone',
  mobile: 'phone',
  title: 'jobTitle',
  zip: 'postalCode',
  postcode: 'postalCode',
  town: 'city',
  birthday: 'dateOfBirth',
};

/** A first guess at the field a column holds, by its name; the user corrects it. */
function guessField(header: string): ImportableField | '' {
  const key = squash(header);
  return (
    importableFields.find((f) => squash(f) === key || squash(fieldLabels[f]) === key) ?? aliases[key] ?? ''
  );
}

type Mapping = Record<string, ImportableField | ''>;

/** The CSV import wizard (choose a file, map its columns, dry run, import) and the contacts export. */
export function ImportPage({ me }: { me: Me }) {
  return (
    <section className="imports">
      <PageHeading title="Import and export" />
      {mayImport(me) ? <ImportWizard /> : <p>Your role does not allow importing contacts.</p>}
      {mayExport(me) && (
        <section className="panel" aria-labelledby="export-heading">
          <h2 id="export-heading">Export</h2>
          <p>
            All the contacts you may see, as CSV. Fields your role may not see read “[restricted]”; the export
            is audited.
          </p>
          <a className="button secondary" href="/api/v1/exports?entity=contacts" download>
            Export contacts (CSV)
          </a>
        </section>
      )}
    </section>
  );
}

function ImportWizard() {
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [headers, setHeaders] = useState<string[]>([]);
  const [mapping, setMapping] = useState<Mapping>({});
  const [fileIssue, setFileIssue] = useState<string | null>(null);
  const [source, setSource] = useState('');
  const [lawfulBasis, setLawfulBasis] = useState<LawfulBasis>('legitimate_interests');
  const [onDuplicate, setOnDuplicate] = useState<'skip' | 'update'>('skip');
  const [importId, setImportId] = useState<string | null>(null);
  const mappingId = useId();

  const chooseFile = async (chosen: File | null) => {
    setFile(chosen);
    setHeaders([]);
    setMapping({});
    setFileIssue(null);
    start.reset();
    if (!chosen) return;
    // Only the start of the file is read, for its header row; nothing is sent until a button is pressed.
    const cells = headerRow(await chosen.slice(0, 64 * 1024).text());
    if (cells.length === 0) {
      setFileIssue('The file has no header row');
      return;
    }
    setHeaders(cells);
    setMapping(Object.fromEntries(cells.map((h) => [h, guessField(h)])));
  };

  const start = useMutation({
    mutationFn: (dryRun: boolean) => {
      const form = new FormData();
      const mapped = Object.fromEntries(Object.entries(mapping).filter(([, f]) => f !== ''));
      // The settings go first: the server reads them before the file part.
      form.append('mapping', JSON.stringify(mapped));
      form.append('source', source);
      form.append('lawfulBasis', lawfulBasis);
      form.append('onDuplicate', onDuplicate);
      form.append('dryRun', String(dryRun));
      if (file) form.append('file', file, file.name);
      return api<Import>('POST', '/api/v1/imports', form);
    },
    onSuccess: (started) => {
      queryClient.setQueryData(['import', started.id], started);
      setImportId(started.id);
    },
  });

  const submit = (dryRun: boolean) => (e?: FormEvent) => {
    e?.preventDefault();
    setImportId(null);
    start.mutate(dryRun);
  };

  const usedTwice = new Set(Object.values(mapping).filter((f, i, all) => f !== '' && all.indexOf(f) !== i));

  return (
    <>
      <form className="panel import-form" onSubmit={submit(false)} noValidate>
        <h2>Import contacts from CSV</h2>
        <Field
          label="CSV file"
          error={start.error}
          field="body.file"
          hint="UTF-8, comma-separated, with a header row. Only the header is read until you press a button."
        >
          <input
            type="file"
            accept=".csv,text/csv"
            onChange={(e) => void chooseFile(e.currentTarget.files?.[0] ?? null)}
          />
        </Field>
        {fileIssue && (
          <p role="alert" className="form-error">
            {fileIssue}
          </p>
        )}
        {headers.length > 0 && (
          <fieldset className="mapping" aria-describedby={`${mappingId}-error`}>
            <legend>Columns → contact fields</legend>
            <div className="mapping-rows">
              {headers.map((header, i) => (
                <div key={header} className="mapping-row">
                  {/* A label apart from the select: wrapped, its name would include the chosen option. */}
                  <label htmlFor={`${mappingId}-${i}`} className="column-name">
                    {header}
                  </label>
                  <select
                    id={`${mappingId}-${i}`}
                    value={mapping[header] ?? ''}
                    aria-invalid={usedTwice.has(mapping[header] ?? '') ? true : undefined}
                    onChange={(e) =>
                      setMapping({ ...mapping, [header]: e.currentTarget.value as ImportableField | '' })
                    }
                  >
                    <option value="">(not imported)</option>
                    {importableFields.map((f) => (
                      <option key={f} value={f}>
                        {fieldLabels[f]}
                      </option>
                    ))}
                  </select>
                </div>
              ))}
            </div>
            <span id={`${mappingId}-error`} className="field-error">
              {usedTwice.size > 0 ? 'Map each field from one column only. ' : ''}
              <FieldError error={start.error} field="body.mapping" />
            </span>
          </fieldset>
        )}
        <div className="import-settings">
          <Field
            label="Source"
            error={start.error}
            field="body.source"
            hint="Where the data came from (kept as the people's provenance, Art. 14)"
          >
            <input
              value={source}
              list="import-sources"
              maxLength={200}
              onChange={(e) => setSource(e.currentTarget.value)}
            />
          </Field>
          <datalist id="import-sources">
            <option value="Trade fair" />
            <option value="Web form" />
            <option value="Partner list" />
            <option value="Previous CRM" />
          </datalist>
          <Field label="Lawful basis" error={start.error} field="body.lawfulBasis">
            <select
              value={lawfulBasis}
              onChange={(e) => setLawfulBasis(e.currentTarget.value as LawfulBasis)}
            >
              {lawfulBases.map((b) => (
                <option key={b} value={b}>
                  {basisLabels[b]}
                </option>
              ))}
            </select>
          </Field>
          <Field label="When the e-mail is already in the CRM" error={start.error} field="body.onDuplicate">
            <select
              value={onDuplicate}
              onChange={(e) => setOnDuplicate(e.currentTarget.value as 'skip' | 'update')}
            >
              <option value="skip">Skip the row</option>
              <option value="update">Update the contact</option>
            </select>
          </Field>
        </div>
        <FormError error={start.error} />
        <div className="actions">
          <button
            type="button"
            className="secondary"
            disabled={start.isPending}
            onClick={() => submit(true)()}
          >
            Dry run
          </button>
          <button type="submit" disabled={start.isPending}>
            Import
          </button>
        </div>
      </form>
      {importId && <ImportProgress id={importId} />}
    </>
  );
}

const finished = (status: Import['status']) => status === 'completed' || status === 'failed';

function ImportProgress({ id }: { id: string }) {
  const queryClient = useQueryClient();
  const progress = useQuery({
    queryKey: ['import', id],
    queryFn: () => api<Import>('GET', `/api/v1/imports/${id}`),
    refetchInterval: (q) => (q.state.data && finished(q.state.data.status) ? false : 500),
  });
  const run = progress.data;
  const done = run?.status === 'completed' && !run.dryRun;
  useEffect(() => {
    if (done) void queryClient.invalidateQueries({ queryKey: ['contacts'] });
  }, [done, queryClient]);
  if (progress.isError) return <LoadError error={progress.error} onRetry={() => void progress.refetch()} />;
  if (!run) return null;

  const verb = run.dryRun ? 'checked' : 'imported';
  const statusText =
    run.status === 'completed'
      ? `${run.dryRun ? 'Dry run' : 'Import'} finished: ${run.rowsDone} of ${run.totalRows} rows ${verb}.`
      : run.status === 'failed'
        ? `The ${run.dryRun ? 'dry run' : 'import'} failed after ${run.rowsDone} of ${run.totalRows} rows.`
        : `${run.rowsDone} of ${run.totalRows} rows ${verb}…`;
  const would = run.dryRun ? 'Would be ' : '';
  return (
    <section className="panel import-result" aria-labelledby="result-heading">
      <h2 id="result-heading">{run.dryRun ? 'Dry run' : 'Import'}</h2>
      <label className="progress-label">
        <span>Progress</span>
        <progress value={run.rowsDone} max={Math.max(run.totalRows, 1)} />
      </label>
      <p role="status" className="status">
        {statusText}
      </p>
      {finished(run.status) && (
        <>
          {run.dryRun && <p>Nothing was changed.</p>}
          <dl className="counts">
            <div>
              <dt>{would}created</dt>
              <dd>{run.created}</dd>
            </div>
            <div>
              <dt>{would}updated</dt>
              <dd>{run.updated}</dd>
            </div>
            <div>
              <dt>{would}skipped</dt>
              <dd>{run.skipped}</dd>
            </div>
            <div>
              <dt>Rows with errors</dt>
              <dd>{run.failed}</dd>
            </div>
          </dl>
        </>
      )}
      {run.errors.length > 0 && (
        <div className="row-errors">
          <table>
            <caption>
              Rows with errors
              {run.failed > run.errors.length ? ` (the first ${run.errors.length} of ${run.failed})` : ''}
            </caption>
            <thead>
              <tr>
                <th scope="col">Row</th>
                <th scope="col">Column</th>
                <th scope="col">Problem</th>
              </tr>
            </thead>
            <tbody>
              {run.errors.map((e, i) => (
                <tr key={`${e.row}-${e.field}-${i}`}>
                  <td>{e.row}</td>
                  <td>{e.field}</td>
                  <td>{e.issue}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
